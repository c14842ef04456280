// The API's run options: a plain typed object, turned into the same text settings the CLI's flags give, then validated once.
import { UsageError } from '../errors.js';
import type { ReportFormat } from '../report/formats.js';
import { RUN_DEFAULTS } from '../run/defaults.js';
import { toRunPlan, type RunFlags, type RunPlan } from '../run/plan.js';

/** A duration: milliseconds as a number, or text such as `"30s"`, `"500ms"`, `"5m"`. */
export type Duration = number | string;

/** A token length: a number, or a distribution as text (`"128:2048"`, `"normal:512,64"`). */
export type TokenLength = number | string;

/**
 * Options of a load run. Every field is optional; the defaults are the CLI's (see docs/load-testing.md,
 * where each flag `--some-flag` is the option `someFlag`).
 */
export interface RunOptions {
  /** Base URL of an OpenAI-compatible server (`http://host:8000` or `.../v1`). Default: the built-in simulator. */
  url?: string;
  /** Default: the first id of `GET /v1/models`. */
  model?: string;
  /** Default `chat`. `responses`: OpenAI's /v1/responses; `messages`: Anthropic's /v1/messages (key sent as `x-api-key`). */
  api?: 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages';
  /** Requests in flight (closed loop), or the cap with `rate`. Default 1 (10,000 with `rate`). */
  concurrency?: number;
  /** Requests to send (warm-up excluded). Default 100, or 2 x concurrency if larger. */
  requests?: number;
  /** Send for this long instead of a count. */
  duration?: Duration;
  /** Open loop: arrivals per second. */
  rate?: number;
  /** Prompt file (one a line, or JSONL); shorthand for `datasetPath`. */
  prompts?: string;
  dataset?: 'random' | 'shared-prefix' | 'trace' | 'lines' | 'jsonl' | 'sharegpt' | 'openai-batch' | 'multi-turn';
  datasetPath?: string;
  inputTokens?: TokenLength;
  prefixTokens?: number;
  /** Shared-prefix workloads (docs/workloads.md): groups, suffixes per group, suffix length, Zipf popularity. */
  prefixGroups?: number;
  promptsPerGroup?: number;
  suffixTokens?: number;
  prefixZipf?: number;
  /** Trace replay (`dataset: 'trace'`): format, speed and window in trace time. */
  traceFormat?: 'mooncake' | 'azure' | 'burstgpt';
  replaySpeed?: number;
  traceStart?: Duration;
  traceEnd?: Duration;
  /** Synthetic images per request (docs/workloads.md#images): count, `"512x512"` / `"256x256-1024x768,512x512"`, encoding, distinct per slot. */
  images?: number;
  imageSize?: string;
  imageFormat?: 'jpeg' | 'png';
  imagePool?: number;
  /** Users, each a conversation loop (instead of `concurrency` and `rate`): send a turn, wait, think, next turn. */
  users?: number;
  /** Pause between a reply and the next turn: ms, or the flag's text ('normal:5s,2s', '1s:3s', 'exp:4s', 'data'). */
  thinkTime?: Duration;
  /** Abort this share of requests on purpose, `cancelAfter` after their send (`cancelled_by_design`). */
  cancelRate?: number;
  cancelAfter?: Duration;
  /** `max_tokens` of every request. Default 128. */
  outputTokens?: TokenLength;
  tokenizer?: string;
  ignoreEos?: boolean;
  /** Chat and completions streams: ask for usage in every chunk (vLLM), for tokens per package and ITL per token. */
  continuousUsage?: boolean;
  arrival?: 'poisson' | 'constant' | 'gamma';
  burstiness?: number;
  maxConcurrency?: number;
  rampUp?: Duration;
  /** Extra request headers; their values never reach results, reports or errors. */
  headers?: Record<string, string>;
  /** The API key itself (sent as `Authorization: Bearer`); never written anywhere. Default: from `apiKeyEnv`. */
  apiKey?: string;
  /** Environment variable holding the API key. Default `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  apiKeyFile?: string;
  /** Per-request timeout. Default 60 s. */
  timeout?: Duration;
  idleTimeout?: Duration;
  /** Output folder for result.json, requests.csv and the reports. Default `reports/<timestamp>-<model>/`. */
  out?: string;
  /** Write into an `out` folder that holds another run's results (they are replaced). */
  overwrite?: boolean;
  /** Seeds prompt order, synthetic prompts and arrivals. Default 0. */
  seed?: number;
  /** Default true. */
  stream?: boolean;
  /** Open the first wave's connections and warm the response path before the timed window. Default true. */
  preconnect?: boolean;
  extraBody?: Record<string, unknown>;
  /** Requests sent first and kept out of every statistic. Default 0. */
  warmup?: number;
  /** Do not verify TLS certificates. */
  insecure?: boolean;
  /** After `signal` aborts, how long requests in flight may finish. Default 10 s. */
  grace?: Duration;
  /** Extra attempts for 429, 503 and resets before any byte. Default 0. */
  retries?: number;
  /** A server-sent event larger than this fails the request (bytes, or text such as `"1MB"`). Default 1 MB. */
  maxEventBytes?: number | string;
  /** Report files to write (result.json always is). Default `table,json,csv,html` (`table` prints nothing in the API). */
  format?: ReportFormat[] | string;
  /** Thresholds, e.g. `"ttft_ms.p99 < 500"`; outcomes land in `result.slo`. */
  slo?: string[];
  /** Engine threads, or `"auto"`. Default 1. */
  workers?: number | 'auto';
  /** `"I/N"`: run shard I of N. */
  shard?: string;
  startAt?: string;
  serverMetrics?: string;
  /** A JSON file holding an array of OpenAI tool schemas, sent with every request; calls' arguments are validated. */
  tools?: string;
  /** `auto`, `required`, `none` or a tool's name. */
  toolChoice?: string;
  /** A JSON Schema file every answer must follow (structured outputs); answers are validated (`schema_valid_rate`). */
  responseFormat?: string;
  /** Settings of the built-in simulator when no `url` is given. */
  simulator?: {
    ttftMs?: number; itlMs?: number; outputTokens?: number; slots?: number; contention?: number; reasoningTokens?: number; prefixCacheTokens?: number;
    /** Speculative decoding: draft tokens per step and their acceptance probability (docs/simulator.md). */
    specTokens?: number; specAccept?: number;
    /** Shares (0..1) of tool calls / structured answers the simulator corrupts on purpose (seeded). */
    toolInvalidRate?: number; schemaInvalidRate?: number;
    /** Prefill ms each image token adds (docs/simulator.md#images). */
    imageTokenMs?: number;
  };
}

const RUN_OPTION_NAMES = [
  'url', 'model', 'api', 'concurrency', 'requests', 'duration', 'rate', 'prompts', 'dataset', 'datasetPath', 'inputTokens', 'prefixTokens',
  'prefixGroups', 'promptsPerGroup', 'suffixTokens', 'prefixZipf', 'traceFormat', 'replaySpeed', 'traceStart', 'traceEnd', 'cancelRate', 'cancelAfter',
  'outputTokens', 'tokenizer', 'ignoreEos', 'continuousUsage', 'arrival', 'burstiness', 'maxConcurrency', 'rampUp', 'headers', 'apiKey', 'apiKeyEnv', 'apiKeyFile',
  'timeout', 'idleTimeout', 'out', 'overwrite', 'seed', 'stream', 'preconnect', 'extraBody', 'warmup', 'insecure', 'grace', 'retries', 'maxEventBytes', 'format', 'slo', 'workers', 'shard',
  'startAt', 'serverMetrics', 'simulator', 'tools', 'toolChoice', 'responseFormat',
  'images', 'imageSize', 'imageFormat', 'imagePool',
  'users', 'thinkTime',
] as const;

/** Rejects option names the function does not know, so a typo is an error rather than a silent default. */
export function checkOptionNames(options: object, known: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new UsageError(`${where}: options must be an object`);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new UsageError(`${where}: unknown option "${name}"; known options: ${known.join(', ')}`);
  }
}

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
const duration = (value: Duration | undefined): string | undefined => (value === undefined ? undefined : typeof value === 'number' ? `${value}ms` : value);

/** The options as the text settings the CLI's flags give (so both are validated by the same function). */
export function runOptionsToFlags(options: RunOptions, where = 'runLoad'): RunFlags {
  checkOptionNames(options, RUN_OPTION_NAMES, where);
  const o = options;
  const sim = o.simulator ?? {};
  checkOptionNames(sim, ['ttftMs', 'itlMs', 'outputTokens', 'slots', 'contention', 'reasoningTokens', 'prefixCacheTokens', 'toolInvalidRate', 'schemaInvalidRate', 'imageTokenMs', 'specTokens', 'specAccept'], `${where}: simulator`);
  return {
    url: o.url,
    model: o.model,
    api: o.api ?? RUN_DEFAULTS.api,
    concurrency: text(o.concurrency),
    requests: text(o.requests),
    duration: duration(o.duration),
    rate: text(o.rate),
    prompts: o.prompts,
    dataset: o.dataset,
    datasetPath: o.datasetPath,
    inputTokens: text(o.inputTokens),
    prefixTokens: text(o.prefixTokens),
    prefixGroups: text(o.prefixGroups),
    promptsPerGroup: text(o.promptsPerGroup),
    suffixTokens: text(o.suffixTokens),
    prefixZipf: text(o.prefixZipf),
    traceFormat: o.traceFormat,
    replaySpeed: text(o.replaySpeed),
    traceStart: duration(o.traceStart),
    traceEnd: duration(o.traceEnd),
    images: text(o.images),
    imageSize: o.imageSize,
    imageFormat: o.imageFormat,
    imagePool: text(o.imagePool),
    users: text(o.users),
    thinkTime: duration(o.thinkTime),
    cancelRate: text(o.cancelRate),
    cancelAfter: duration(o.cancelAfter),
    outputTokens: text(o.outputTokens),
    tokenizer: o.tokenizer,
    ignoreEos: o.ignoreEos,
    continuousUsage: o.continuousUsage,
    arrival: o.arrival,
    burstiness: text(o.burstiness),
    maxConcurrency: text(o.maxConcurrency),
    rampUp: duration(o.rampUp),
    header: Object.entries(o.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    apiKeyEnv: o.apiKeyEnv ?? RUN_DEFAULTS.apiKeyEnv,
    apiKeyFile: o.apiKeyFile,
    timeout: duration(o.timeout) ?? RUN_DEFAULTS.timeout,
    idleTimeout: duration(o.idleTimeout),
    out: o.out,
    overwrite: o.overwrite,
    json: false,
    seed: text(o.seed) ?? RUN_DEFAULTS.seed,
    quiet: true,
    stream: o.stream ?? true,
    preconnect: o.preconnect,
    extraBody: o.extraBody === undefined ? undefined : JSON.stringify(o.extraBody),
    warmup: text(o.warmup) ?? RUN_DEFAULTS.warmup,
    insecure: o.insecure,
    grace: duration(o.grace) ?? RUN_DEFAULTS.grace,
    retries: text(o.retries) ?? RUN_DEFAULTS.retries,
    maxEventBytes: text(o.maxEventBytes),
    simTtft: text(sim.ttftMs),
    simItl: text(sim.itlMs),
    simOutputTokens: text(sim.outputTokens),
    simSlots: text(sim.slots),
    simContention: text(sim.contention),
    simReasoningTokens: text(sim.reasoningTokens),
    simPrefixCache: text(sim.prefixCacheTokens),
    simSpecTokens: text(sim.specTokens),
    simSpecAccept: text(sim.specAccept),
    simToolInvalidRate: text(sim.toolInvalidRate),
    simSchemaInvalidRate: text(sim.schemaInvalidRate),
    tools: o.tools,
    toolChoice: o.toolChoice,
    responseFormat: o.responseFormat,
    simImageTokenMs: text(sim.imageTokenMs),
    format: Array.isArray(o.format) ? o.format.join(',') : (o.format ?? RUN_DEFAULTS.format),
    slo: o.slo ?? [],
    workers: text(o.workers) ?? RUN_DEFAULTS.workers,
    shard: o.shard,
    startAt: o.startAt,
    serverMetrics: o.serverMetrics,
  };
}

/**
 * Validates run options into a plan, with the CLI's own checks and messages: a bad value throws a
 * {@link UsageError} (`code` `LLMPERF_USAGE`) whose message is one line naming the setting and the fix.
 */
export function resolveRunOptions(options: RunOptions = {}, where = 'runLoad'): RunPlan {
  const plan = toRunPlan(runOptionsToFlags(options, where));
  if (options.apiKey !== undefined) {
    if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) throw new UsageError(`${where}: apiKey must be a non-empty string`);
    return { ...plan, apiKey: options.apiKey };
  }
  return plan;
}
