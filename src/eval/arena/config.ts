// arena.yaml → a typed, validated ArenaConfig; every mistake is one UsageError line naming file:line.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isCollection, isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UsageError } from '../../errors.js';
import { ARENA_MODES, DEFAULT_RATING_OPTIONS, type ArenaMode, type RatingOptions } from './types.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../engine/jobs.js';

/** A candidate or the judge. `url: null` means "start a built-in simulator" (the offline demo and tests). */
export interface EndpointConfig {
  name: string;
  url: string | null;
  /** null: ask GET /v1/models at run time. */
  model: string | null;
  /** Environment variable holding the API key (never the key itself). */
  keyEnv: string | null;
  /** Options for the built-in simulator when `url` is null (see docs/simulator.md). */
  sim: Record<string, unknown>;
}

export interface GenerationSettings {
  maxTokens: number;
  temperature: number;
}

/** Judge prompt templates by kind; null = the shipped default in prompts/arena/. */
export interface PromptOverrides {
  pairwise: string | null;
  pairwise_reference: string | null;
  single: string | null;
  single_reference: string | null;
}

export interface ArenaConfig {
  file: string;
  candidates: EndpointConfig[];
  judge: EndpointConfig;
  questionsPath: string;
  /** Use only the first N questions (null = all). */
  limit: number | null;
  modes: ArenaMode[];
  baseline: string | null;
  prompts: PromptOverrides;
  /** Second-turn templates (MT-bench two-turn questions); null = prompts/arena/<kind>_turn2.txt. */
  promptsTurn2: PromptOverrides;
  answer: GenerationSettings;
  judging: GenerationSettings;
  concurrency: number;
  timeoutMs: number;
  /** Per-request cap on response bytes (`max_response_bytes`, --max-response-bytes): an endless reply ends as response_too_large. */
  maxResponseBytes: number;
  cache: boolean;
  rating: RatingOptions;
}

type Path = (string | number)[];

class Reader {
  private readonly lines = new LineCounter();
  readonly doc: Document;
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    const error = this.doc.errors[0];
    if (error) throw new UsageError(`${file}:${this.lines.linePos(error.pos[0]).line}: not valid YAML: ${error.message.split('\n')[0]}`);
  }

  /** file:line of the node at `path`, or of its nearest ancestor that exists. */
  where(path: Path): string {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true)) as Node | null;
      if (node && typeof node === 'object' && node.range) return `${this.file}:${this.lines.linePos(node.range[0]).line}`;
    }
    return `${this.file}:1`;
  }

  fail(path: Path, message: string): never {
    const name = path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
    throw new UsageError(`${this.where(path)}: ${name ? `${name}: ` : ''}${message}`);
  }

  value(path: Path): unknown {
    const value = this.doc.getIn(path);
    // Collections come back as YAML nodes; callers want plain arrays and objects.
    return isCollection(value) ? value.toJS(this.doc) : value;
  }

  string(path: Path, fallback: string | null): string | null {
    const value = this.value(path);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  }

  number(path: Path, fallback: number, min: number, max: number, integer = false): number {
    const value = this.value(path);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.fail(path, `must be a${integer ? ' whole' : ''} number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  keys(path: Path, allowed: readonly string[]): void {
    const node = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    if (node === undefined || node === null) return;
    if (!isMap(node)) this.fail(path, 'must be a mapping of keys to values');
    for (const item of node.items) {
      const key = String((item.key as { value?: unknown })?.value ?? item.key);
      if (!allowed.includes(key)) this.fail([...path, key], `unknown key; expected one of ${allowed.join(', ')}`);
    }
  }
}

function endpoint(reader: Reader, path: Path, fallbackName: string): EndpointConfig {
  reader.keys(path, ['name', 'url', 'model', 'key_env', 'sim']);
  const url = reader.string([...path, 'url'], null);
  if (url !== null && url !== 'sim' && !/^https?:\/\//.test(url)) reader.fail([...path, 'url'], `must be http(s)://host:port or "sim", got ${JSON.stringify(url)}`);
  const sim = reader.value([...path, 'sim']) ?? {};
  if (typeof sim !== 'object' || Array.isArray(sim)) reader.fail([...path, 'sim'], 'must be a mapping of simulator options, e.g. { outputTokens: 32 }');
  return {
    name: reader.string([...path, 'name'], fallbackName)!,
    url: url === 'sim' ? null : url,
    model: reader.string([...path, 'model'], null),
    keyEnv: reader.string([...path, 'key_env'], null),
    sim: sim as Record<string, unknown>,
  };
}

function generation(reader: Reader, path: Path, maxTokens: number): GenerationSettings {
  reader.keys(path, ['max_tokens', 'temperature']);
  return { maxTokens: reader.number([...path, 'max_tokens'], maxTokens, 1, 1_000_000, true), temperature: reader.number([...path, 'temperature'], 0, 0, 2) };
}

function ratingOptions(reader: Reader, names: readonly string[]): RatingOptions {
  const path = ['rating'];
  reader.keys(path, ['init', 'k', 'scale', 'base', 'bootstrap_rounds', 'ci', 'seed', 'anchor', 'bt_l2']);
  const d = DEFAULT_RATING_OPTIONS;
  const ci = reader.value([...path, 'ci']) ?? [d.ciLowerPct, d.ciUpperPct];
  if (!Array.isArray(ci) || ci.length !== 2 || !ci.every((p) => typeof p === 'number' && p >= 0 && p <= 100) || ci[0] >= ci[1]) {
    reader.fail([...path, 'ci'], 'must be two percentiles, lower then upper, e.g. [2.5, 97.5]');
  }
  let anchor: RatingOptions['anchor'] = null;
  if (reader.value([...path, 'anchor']) !== undefined) {
    reader.keys([...path, 'anchor'], ['model', 'rating']);
    const model = reader.string([...path, 'anchor', 'model'], null);
    if (model === null || !names.includes(model)) reader.fail([...path, 'anchor', 'model'], `must name a candidate (${names.join(', ')})`);
    anchor = { model, rating: reader.number([...path, 'anchor', 'rating'], d.init, -1e6, 1e6) };
  }
  return {
    init: reader.number([...path, 'init'], d.init, -1e6, 1e6),
    k: reader.number([...path, 'k'], d.k, 0, 1000),
    scale: reader.number([...path, 'scale'], d.scale, 1, 1e6),
    base: reader.number([...path, 'base'], d.base, 1.0001, 1e6),
    bootstrapRounds: reader.number([...path, 'bootstrap_rounds'], d.bootstrapRounds, 0, 100_000, true),
    ciLowerPct: (ci as number[])[0]!,
    ciUpperPct: (ci as number[])[1]!,
    seed: reader.number([...path, 'seed'], d.seed, 0, 2 ** 32 - 1, true),
    anchor,
    // Must stay above zero: the prior is what keeps perfectly separated battle sets finite.
    btL2: reader.number([...path, 'bt_l2'], d.btL2, 1e-9, 1e3),
  };
}

/** Reads and validates an arena config; relative paths resolve against the config file's folder. */
export function loadArenaConfig(file: string): ArenaConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseArenaConfig(text, file);
}

export function parseArenaConfig(text: string, file: string): ArenaConfig {
  const reader: Reader = new Reader(file, text);
  const dir = dirname(resolve(file));
  reader.keys([], ['candidates', 'judge', 'questions', 'limit', 'mode', 'baseline', 'prompts', 'answer', 'judging', 'concurrency', 'timeout_ms', 'max_response_bytes', 'cache', 'rating']);
  const candidatesNode = reader.doc.get('candidates', true);
  if (!isSeq(candidatesNode) || candidatesNode.items.length < 2) reader.fail(['candidates'], 'must list at least two candidates, each with name, url (or "sim") and optionally model, key_env');
  const candidates = candidatesNode.items.map((_, i) => endpoint(reader, ['candidates', i], `model-${i + 1}`));
  const names = candidates.map((c) => c.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) reader.fail(['candidates', i, 'name'], `duplicate candidate name ${JSON.stringify(name)}`);
  });
  if (reader.value(['judge']) === undefined) reader.fail(['judge'], 'is required: name, url (or "sim"), model');
  const judge = endpoint(reader, ['judge'], 'judge');

  const modeValue = reader.value(['mode']) ?? 'pairwise';
  const modes = (Array.isArray(modeValue) ? modeValue : [modeValue]) as unknown[];
  if (modes.length === 0 || !modes.every((m): m is ArenaMode => ARENA_MODES.includes(m as ArenaMode))) {
    reader.fail(['mode'], `must be one of ${ARENA_MODES.join(', ')} or a list of them, got ${JSON.stringify(modeValue)}`);
  }
  // Peer examination: a pair is judged only by the other candidates, so three is the least that judges anything.
  if (modes.includes('peer') && names.length < 3) reader.fail(['mode'], `peer needs at least 3 candidates (each pair is judged by the others), got ${names.length}`);
  const baseline = reader.string(['baseline'], null);
  if (modes.includes('baseline')) {
    if (baseline === null) reader.fail(['baseline'], 'is required for mode baseline: name the candidate every other model is compared with');
    if (!names.includes(baseline)) reader.fail(['baseline'], `must name a candidate (${names.join(', ')}), got ${JSON.stringify(baseline)}`);
  }
  const questions = reader.string(['questions'], null);
  if (questions === null) reader.fail(['questions'], 'is required: a JSONL file with "question" and optional "category", "reference"');

  reader.keys(['prompts'], ['pairwise', 'pairwise_reference', 'single', 'single_reference', 'pairwise_turn2', 'pairwise_reference_turn2', 'single_turn2', 'single_reference_turn2']);
  const promptPath = (key: keyof PromptOverrides, suffix = ''): string | null => {
    const value = reader.string(['prompts', `${key}${suffix}`], null);
    return value === null ? null : resolve(dir, value);
  };
  const cache = reader.value(['cache']) ?? true;
  if (typeof cache !== 'boolean') reader.fail(['cache'], 'must be true or false');
  const limit = reader.value(['limit']);
  return {
    file,
    candidates,
    judge,
    questionsPath: resolve(dir, questions),
    limit: limit === undefined || limit === null ? null : reader.number(['limit'], 0, 1, 1e9, true),
    modes: [...new Set(modes as ArenaMode[])],
    baseline,
    prompts: { pairwise: promptPath('pairwise'), pairwise_reference: promptPath('pairwise_reference'), single: promptPath('single'), single_reference: promptPath('single_reference') },
    promptsTurn2: { pairwise: promptPath('pairwise', '_turn2'), pairwise_reference: promptPath('pairwise_reference', '_turn2'), single: promptPath('single', '_turn2'), single_reference: promptPath('single_reference', '_turn2') },
    answer: generation(reader, ['answer'], 512),
    judging: generation(reader, ['judging'], 1024),
    concurrency: reader.number(['concurrency'], 8, 1, 10_000, true),
    timeoutMs: reader.number(['timeout_ms'], 600_000, 1, 86_400_000, true),
    maxResponseBytes: reader.number(['max_response_bytes'], DEFAULT_MAX_RESPONSE_BYTES, 1024, 1024 ** 3, true),
    cache,
    rating: ratingOptions(reader, names),
  };
}
