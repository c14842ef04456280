// evaluate and runArena: accuracy benchmarks and the judge arena as library calls.
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { EVAL_DEFAULTS, executeEval, toEvalPlan, type EvalFlags } from '../eval/evaluate.js';
import type { EvalDocument } from '../eval/runner.js';
import { loadArenaConfig } from '../eval/arena/config.js';
import { SHIPPED_PROMPTS_DIR } from '../eval/arena/prompts.js';
import { writeArenaReports } from '../eval/arena/report.js';
import { runArena as runArenaConfig, type ArenaDocument } from '../eval/arena/run.js';
import { checkOptionNames } from './options.js';

/** Options of {@link evaluate} (the flags of `llmperf eval`, see docs/eval.md). */
export interface EvalOptions {
  /** Benchmarks, e.g. `["mmlu", "gsm8k"]` or `"mmlu,gsm8k"`. Required. */
  datasets: string[] | string;
  /** The server; default: the built-in simulator, a test double. */
  url?: string;
  model?: string;
  apiKeyEnv?: string;
  /** One folder per benchmark with its files as distributed. Default: the shipped samples. */
  dataDir?: string;
  limit?: number;
  fewShot?: number;
  /** Default 8. */
  concurrency?: number;
  /** Default `generate`. */
  mode?: 'generate' | 'loglikelihood';
  seed?: number;
  allowCodeExecution?: boolean;
  /** With `allowCodeExecution`: run programs without the bubblewrap sandbox (see docs/eval.md). */
  unsafeNoSandbox?: boolean;
  /** Time limit per request (ms, or text such as `"90s"`). Default 10 minutes. */
  timeout?: number | string;
  /** A longer response ends as `response_too_large` (bytes, or text such as `"16MiB"`). Default 16 MiB. */
  maxResponseBytes?: number | string;
  /** Output folder for eval.json, eval-samples.jsonl and report.html. Default `reports/eval-<timestamp>`. */
  out?: string;
  /** Default true: read and write the response cache. */
  cache?: boolean;
  cacheDir?: string;
  samples?: number;
  maxTokens?: number;
  /** Seconds per HumanEval program. Default 10. */
  codeTimeout?: number;
  /** Without `url`: probability that the simulator answers correctly. Default 0.8. */
  simAccuracy?: number;
  /** Without `url`: comply mode for attack probes (induction, injection), the probability the simulator complies. */
  simComplyRate?: number;
  /** Judge model for judge-scored benchmarks (injection); default: the built-in simulator's refusal-phrase rule. */
  judgeUrl?: string;
  judgeModel?: string;
  /** Environment variable holding the judge's API key (default OPENAI_API_KEY). */
  judgeApiKeyEnv?: string;
  /** general_qa ROUGE tokenization: `rouge_score` (default) or `cjk`. */
  rougeTokenizer?: 'rouge_score' | 'cjk';
  /** Needle test: prompt lengths in tokens of 4 characters, e.g. `"1k,4k,16k"`. */
  needleLengths?: string;
  /** Needle test: depths in percent of the text before the needle, e.g. `"0,50,100"`. */
  needleDepths?: string;
  /** Needle test: needles per (length, depth) cell. Default 2. */
  needleSamples?: number;
}

const EVAL_OPTION_NAMES = ['datasets', 'url', 'model', 'apiKeyEnv', 'dataDir', 'limit', 'fewShot', 'concurrency', 'mode', 'seed', 'allowCodeExecution', 'out', 'cache', 'cacheDir', 'samples', 'maxTokens', 'codeTimeout', 'simAccuracy', 'simComplyRate', 'judgeUrl', 'judgeModel', 'judgeApiKeyEnv', 'unsafeNoSandbox', 'timeout', 'maxResponseBytes', 'rougeTokenizer', 'needleLengths', 'needleDepths', 'needleSamples'];
const text = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));

/**
 * Runs accuracy benchmarks against a server (or the built-in simulator) through the load engine's client
 * and resolves with the eval document (scores with standard errors, per subset, and the serving
 * performance of the eval's own requests). Writes eval.json, eval-samples.jsonl and report.html into `out`.
 * `onNotice` receives progress and notes, one line each.
 */
export async function evaluate(options: EvalOptions, hooks: { onNotice?: (line: string) => void } = {}): Promise<EvalDocument> {
  checkOptionNames(options, EVAL_OPTION_NAMES, 'evaluate');
  if (options.datasets === undefined) throw new UsageError('evaluate: datasets is required, e.g. ["mmlu", "gsm8k"]');
  const o = options;
  const flags: EvalFlags = {
    datasets: Array.isArray(o.datasets) ? o.datasets.join(',') : o.datasets,
    url: o.url,
    model: o.model,
    apiKeyEnv: o.apiKeyEnv,
    dataDir: o.dataDir,
    limit: text(o.limit),
    fewShot: text(o.fewShot),
    concurrency: text(o.concurrency) ?? EVAL_DEFAULTS.concurrency,
    mode: o.mode ?? EVAL_DEFAULTS.mode,
    seed: text(o.seed) ?? EVAL_DEFAULTS.seed,
    allowCodeExecution: o.allowCodeExecution,
    unsafeNoSandbox: o.unsafeNoSandbox,
    timeout: typeof o.timeout === 'number' ? `${o.timeout}ms` : o.timeout,
    maxResponseBytes: text(o.maxResponseBytes),
    rougeTokenizer: o.rougeTokenizer,
    needleLengths: o.needleLengths,
    needleDepths: o.needleDepths,
    needleSamples: text(o.needleSamples),
    out: o.out,
    cache: o.cache ?? true,
    cacheDir: o.cacheDir ?? EVAL_DEFAULTS.cacheDir,
    samples: text(o.samples) ?? EVAL_DEFAULTS.samples,
    maxTokens: text(o.maxTokens),
    codeTimeout: text(o.codeTimeout) ?? EVAL_DEFAULTS.codeTimeout,
    simAccuracy: text(o.simAccuracy) ?? EVAL_DEFAULTS.simAccuracy,
    simComplyRate: text(o.simComplyRate),
    judgeUrl: o.judgeUrl,
    judgeModel: o.judgeModel,
    judgeApiKeyEnv: o.judgeApiKeyEnv,
    quiet: true,
  };
  const { doc } = await executeEval(toEvalPlan(flags), hooks.onNotice ?? (() => {}));
  return doc;
}

/** The shipped example arena (three simulated candidates and a simulated judge), by the name `example`. */
export const ARENA_EXAMPLE = 'example';

/** The shipped peer-examination arena (four simulated candidates judging each other), by the name `peer`. */
export const ARENA_PEER_EXAMPLE = 'peer';

/** `example` and `peer` name the shipped arena configs, so they work from any folder; anything else is a file path. */
export function arenaConfigPath(config: string): string {
  if (config === ARENA_EXAMPLE) return join(SHIPPED_PROMPTS_DIR, 'arena.yaml');
  if (config === ARENA_PEER_EXAMPLE) return join(SHIPPED_PROMPTS_DIR, 'peer.yaml');
  return config;
}

/** Options of {@link runArena}. */
export interface ArenaOptions {
  /** Path of an arena.yaml, or `"example"` for the shipped one (see docs/arena.md). */
  config: string;
  /** Output folder for arena.json, arena.html, charts/ and the reply cache. Default `reports/arena`. */
  out?: string;
  /** Default true: read and write the reply cache (an interrupted arena resumes). */
  cache?: boolean;
}

/**
 * Runs an arena: collects every candidate's answers, has the judge grade them or pick winners in both
 * orders, fits ratings, writes the reports into `out`, and resolves with the arena document.
 * `onNotice` receives progress lines.
 */
export async function runArena(options: ArenaOptions, hooks: { onNotice?: (line: string) => void } = {}): Promise<ArenaDocument> {
  checkOptionNames(options, ['config', 'out', 'cache'], 'runArena');
  if (typeof options.config !== 'string') throw new UsageError('runArena: config is required: the path of an arena.yaml, or "example"');
  const outDir = options.out ?? join('reports', 'arena');
  const config = loadArenaConfig(arenaConfigPath(options.config));
  const doc = await runArenaConfig(config, { outDir, cache: options.cache ?? true, log: hooks.onNotice });
  await writeArenaReports(outDir, doc);
  return doc;
}
