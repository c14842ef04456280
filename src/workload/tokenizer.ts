// Token counting for the client side: a Hugging Face tokenizer.json when given, else the documented 4-characters rule.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { UsageError } from '../errors.js';
import { tokenEndsOf } from './token-ends.js';
import { CHARS_PER_TOKEN, estimateTokens } from './tokens.js';

/** What the workload needs of a tokenizer: counts, and (when exact) ids <-> text for length synthesis. */
export interface TokenCounter {
  /** `tokenizer:<where>` or `approx:4-chars-per-token`; recorded in the result config. */
  readonly name: string;
  /** False for the characters rule: the result then marks client counts as approximate. */
  readonly exact: boolean;
  count(text: string): number;
  /** Vocabulary entries decoded to text, lazily, in the file's order (nothing for the rule): exact-length synthesis. */
  vocabulary(): Iterable<string>;
  /**
   * Where each token of `text` ends (UTF-16 offset into the text as this tokenizer decodes it back), for tokens per
   * stream package; absent for the characters rule.
   */
  tokenEnds?(text: string): number[];
}

/** The documented default: one token per 4 characters, rounded up. */
export const APPROX_COUNTER: TokenCounter = Object.freeze({
  name: `approx:${CHARS_PER_TOKEN}-chars-per-token`,
  exact: false,
  count: estimateTokens,
  vocabulary: () => [],
});

function readJson(path: string, what: string): object {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as object;
  } catch (error) {
    throw new UsageError(`--tokenizer: cannot read ${what} ${path} (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The Hugging Face hub cache folder, as huggingface_hub resolves it. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface', 'hub');
}

/** Finds `tokenizer.json` for a model id (ORG/NAME) in the local hub cache; the newest snapshot wins. */
function findInHubCache(modelId: string, env: NodeJS.ProcessEnv): string | null {
  const snapshots = join(hubCacheDir(env), `models--${modelId.replace(/\//g, '--')}`, 'snapshots');
  if (!existsSync(snapshots)) return null;
  const candidates = readdirSync(snapshots)
    .map((name) => join(snapshots, name, 'tokenizer.json'))
    .filter((file) => existsSync(file))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0] ?? null;
}

/** Resolves `--tokenizer` to a tokenizer.json path: a file, a model folder, or a model id in the hub cache. */
export function resolveTokenizerPath(spec: string, env: NodeJS.ProcessEnv = process.env): string {
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) return spec;
    const inFolder = join(spec, 'tokenizer.json');
    if (existsSync(inFolder)) return inFolder;
    throw new UsageError(`--tokenizer ${spec}: the folder has no tokenizer.json`);
  }
  const cached = /^[\w.-]+\/[\w.-]+$/.test(spec) ? findInHubCache(spec, env) : null;
  if (cached) return cached;
  throw new UsageError(
    `--tokenizer ${spec}: not a file, a folder with tokenizer.json, or a model id in the local Hugging Face cache (${hubCacheDir(env)}); llmperf does not download tokenizers`,
  );
}

/** Loads a Hugging Face tokenizer (tokenizer.json, plus tokenizer_config.json when it sits beside it). */
export function loadTokenizer(spec: string, env: NodeJS.ProcessEnv = process.env): TokenCounter {
  const path = resolveTokenizerPath(spec, env);
  // The workload and the engine (tokens per package) both ask for it: parse a tokenizer.json once per thread.
  const cached = loaded.get(`${spec}\0${path}`);
  if (cached) return cached;
  const counter = parseTokenizer(spec, path);
  loaded.set(`${spec}\0${path}`, counter);
  return counter;
}

const loaded = new Map<string, TokenCounter>();

function parseTokenizer(spec: string, path: string): TokenCounter {
  const json = readJson(path, 'tokenizer file');
  const configPath = join(path, '..', 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJson(configPath, 'tokenizer config') : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (error) {
    throw new UsageError(`--tokenizer ${path}: not a tokenizer.json this library understands (${(error as Error).message.split('\n')[0]})`);
  }
  // Counts exclude special tokens (BOS and the like): they are the prompt text's tokens, what the client controls.
  const count = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  return {
    name: `tokenizer:${spec}`,
    exact: true,
    count,
    tokenEnds: tokenEndsOf(
      (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
      (ids) => (ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: false })),
    ),
    *vocabulary() {
      for (const id of tokenizer.get_vocab(false).values()) yield tokenizer.decode([id], { skip_special_tokens: true });
    },
  };
}

/** `--tokenizer` given: that tokenizer; otherwise the characters rule. */
export function tokenCounter(spec: string | undefined): TokenCounter {
  return spec === undefined ? APPROX_COUNTER : loadTokenizer(spec);
}
