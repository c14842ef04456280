// A run's settings as text (flags, or the API's options made text), validated into a typed run plan before any request.
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { resolveWorkerCount } from '../engine/workers/share.js';
import { UsageError } from '../errors.js';
import { streamsAllowed } from '../engine/fd-limit.js';
import type { ApiKind } from '../engine/target.js';
import { apiKeyFromEnv, checkHeaderValue, endpointPathNote, normalizeBaseUrl } from '../engine/target.js';
import { parseSlo, type Slo } from '../metrics/slo.js';
import { parseFormats, type ReportFormat } from '../report/formats.js';
import type { Prompt } from '../workload/prompts.js';
import { checkRate } from '../workload/limits.js';
import { loadToolsFile, parseToolChoice, type ToolSpec } from '../workload/tools.js';
import { loadResponseFormatFile, type ResponseFormatSpec } from '../workload/response-format.js';
import { usersPlan, type UsersPlanFields } from '../workload/users.js';
import { refuseReuse } from '../util/out-dir.js';
import { workloadPlan, type WorkloadFlags, type WorkloadPlanFields } from '../workload/options.js';
import { withClusterOptions, type ClusterFlags, type ClusterPlanFields } from '../cluster/plan.js';
import { toLivePlan, type LiveFlags, type LivePlan } from '../live/options.js';
import {
  parseByteCount,
  parseChoice,
  parseDurationMs,
  parseHeader,
  parseJsonObject,
  parseNonNegativeInt,
  parsePositiveInt,
  parsePositiveNumber,
} from '../util/parse.js';

/** A run's settings as text, as commander hands the flags over (the API converts its options to this). */
export interface RunFlags extends ClusterFlags, WorkloadFlags, LiveFlags {
  url?: string;
  model?: string;
  api: string;
  concurrency?: string;
  requests?: string;
  duration?: string;
  rate?: string;
  prompts?: string;
  inputTokens?: string;
  outputTokens?: string;
  header: string[];
  apiKeyEnv: string;
  apiKeyFile?: string;
  timeout: string;
  idleTimeout?: string;
  maxEventBytes?: string;
  out?: string;
  overwrite?: boolean;
  json?: boolean;
  seed: string;
  quiet?: boolean;
  stream: boolean;
  extraBody?: string;
  warmup: string;
  insecure?: boolean;
  continuousUsage?: boolean;
  /** commander's --no-preconnect: false when given. */
  preconnect?: boolean;
  grace: string;
  retries?: string;
  simTtft?: string;
  simItl?: string;
  simOutputTokens?: string;
  simSlots?: string;
  simContention?: string;
  simReasoningTokens?: string;
  simPrefixCache?: string;
  simSpecTokens?: string;
  simSpecAccept?: string;
  simImageTokenMs?: string;
  cancelRate?: string;
  cancelAfter?: string;
  tools?: string;
  toolChoice?: string;
  responseFormat?: string;
  simToolInvalidRate?: string;
  simSchemaInvalidRate?: string;
  users?: string;
  thinkTime?: string;
  format: string;
  slo: string[];
  workers?: string;
  labels?: string;
  failOnErrors?: string;
}

/** The validated plan of a run: what the engine needs, plus where and how to report. */
export interface RunPlan extends ClusterPlanFields, WorkloadPlanFields, UsersPlanFields {
  /** null: start the built-in simulator. */
  baseUrl: string | null;
  model: string | undefined;
  api: ApiKind;
  stream: boolean;
  concurrency: number;
  requests: number | null;
  durationMs: number | null;
  ratePerS: number | null;
  prompts: Prompt[];
  promptSource: string;
  outputTokens: number | null;
  headers: Record<string, string>;
  apiKey: string | undefined;
  apiKeyEnv: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Bound on one SSE line or event; beyond it a request fails as event_too_large. */
  maxEventBytes: number;
  outDir: string | undefined;
  /** Write into an outDir holding another run's results (--overwrite); optional so plans built elsewhere need not say. */
  overwrite?: boolean;
  json: boolean;
  quiet: boolean;
  seed: number;
  extraBody: Record<string, unknown>;
  warmupRequests: number;
  rejectUnauthorized: boolean;
  /** --continuous-usage: usage in every chunk, for tokens per package and ITL per token. */
  continuousUsage: boolean;
  /** --tokenizer on a stream without --continuous-usage: count each package's tokens at request end (the tokenizer spec). */
  packageTokenizer?: string;
  /** Open the first wave's connections before the timed window (default; --no-preconnect: no). */
  preconnect: boolean;
  graceMs: number;
  /** Extra attempts for transient failures (0: none, the default). */
  retries: number;
  simulator: {
    ttftMs?: number; itlMs?: number; outputTokens?: number; slots?: number; contention?: number; reasoningTokens?: number; prefixCacheTokens?: number;
    toolInvalidRate?: number; schemaInvalidRate?: number; imageTokenMs?: number;
    specTokens?: number; specAccept?: number;
  };
  /** --tools (a dataset record's own tools take their place), --tool-choice and --response-format; null: not sent. */
  tools: ToolSpec[] | null;
  toolChoice: string | null;
  responseFormat: ResponseFormatSpec | null;
  formats: ReportFormat[];
  slos: Slo[];
  /** --cancel-rate / --cancel-after: abort this share of requests this long after their send (absent: none). */
  cancel?: { rate: number; afterMs: number };
  /** Engine threads (--workers; 1 = the main thread only). */
  workers: number;
  /** Live export while the run lasts (--metrics-port, --otlp-endpoint); absent: none. */
  live?: LivePlan;
  /** Console row names: vLLM's with the seed's beside them, or the seed's metric table. */
  labels: 'vllm' | 'seed';
  /** --fail-on-errors: exit 1 when the share of failed requests is above this (0..1); null: off. */
  failOnErrorRate: number | null;
  /** -c / --max-concurrency was given (the header then names the cap as the user's). */
  capGiven?: boolean;
  /** Lines to tell the user before the run (a pasted endpoint path, a clamped --workers). */

  notes?: string[];
}

export const DEFAULT_OUTPUT_TOKENS = 128;

function readApiKey(flags: RunFlags): string | undefined {
  if (flags.apiKeyFile) {
    if (!existsSync(flags.apiKeyFile)) throw new UsageError(`--api-key-file ${flags.apiKeyFile}: no such file`);
    const key = readFileSync(flags.apiKeyFile, 'utf8').trim();
    if (!key) throw new UsageError(`--api-key-file ${flags.apiKeyFile}: the file is empty`);
    return checkHeaderValue(key, `--api-key-file ${flags.apiKeyFile}`);
  }
  return apiKeyFromEnv(flags.apiKeyEnv);
}

const optionalInt = (text: string | undefined, flag: string) => (text === undefined ? undefined : parsePositiveInt(text, flag));
const optionalNumber = (text: string | undefined, flag: string) =>
  text === undefined ? undefined : text === '0' ? 0 : parsePositiveNumber(text, flag);

/** `--fail-on-errors 5%`, `0.05` or `0` (any failure) into a share 0..1. */
function parseErrorRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value < 1)) throw new UsageError(`--fail-on-errors ${text}: use a share of requests below 100%, such as 5%, 0.05, or 0 for any failure`);
  return value;
}

/**
 * More engine threads than requests in flight leaves threads idle, and more than the cores makes them
 * compete with each other and with the server on the same machine: clamp, and say so.
 */
function clampWorkers(asked: number, text: string, concurrency: number, cores: number, notes: string[]): number {
  const workers = Math.max(1, Math.min(asked, concurrency, text === 'auto' ? asked : Math.max(cores, 1)));
  if (workers < asked) {
    const why = workers === concurrency ? `at most one per request in flight (--concurrency ${concurrency})` : `at most one per core (${cores} cores)`;
    notes.push(`--workers ${text}: using ${workers} engine thread${workers === 1 ? '' : 's'}, ${why}.`);
  }
  return workers;
}

export function toRunPlan(flags: RunFlags): RunPlan {
  const api = parseChoice(flags.api, '--api', ['chat', 'completions', 'embeddings', 'responses', 'messages'] as const);
  // Found before the prompts are loaded or a server is asked: a reused --out loses nothing unless asked to.
  if (flags.out !== undefined) refuseReuse(flags.out, Boolean(flags.overwrite));
  if (flags.requests && flags.duration) throw new UsageError('--requests and --duration: choose one way to bound the run');
  const trace = flags.dataset === 'trace';
  const users = flags.users === undefined ? undefined : parsePositiveInt(flags.users, '--users');
  if (users !== undefined) {
    const other = flags.concurrency !== undefined ? '--concurrency' : flags.maxConcurrency !== undefined ? '--max-concurrency' : flags.rate !== undefined ? '--rate' : trace ? '--dataset trace' : null;
    if (other !== null) throw new UsageError(`--users and ${other}: choose one; with --users, requests in flight follow from the users and their think time`);
  }
  if (trace && flags.rate !== undefined) throw new UsageError('--dataset trace sends at the recorded times: drop --rate (use --replay-speed to scale them)');
  const ratePerS = flags.rate === undefined ? null : checkRate(parsePositiveNumber(flags.rate, '--rate'), '--rate', flags.rate);
  const cap = flags.concurrency ?? flags.maxConcurrency;
  if (flags.concurrency !== undefined && flags.maxConcurrency !== undefined && flags.concurrency !== flags.maxConcurrency) {
    throw new UsageError('--concurrency and --max-concurrency are the same setting: give one');
  }
  const concurrency = users !== undefined ? users :
    cap !== undefined ? parsePositiveInt(cap, flags.concurrency !== undefined ? '--concurrency' : '--max-concurrency') : ratePerS !== null || trace ? streamsAllowed(flags.url === undefined, 10_000) : 1;
  const durationMs = flags.duration ? parseDurationMs(flags.duration, '--duration') : null;
  const requests = flags.requests
    ? parsePositiveInt(flags.requests, '--requests')
    : durationMs === null
      ? Math.max(100, 2 * concurrency)
      : null;
  const seed = parseNonNegativeInt(flags.seed, '--seed');
  const timeoutMs = parseDurationMs(flags.timeout, '--timeout');
  // Random prompts: one per request up to 10,000 (a duration-bounded open loop: rate x duration), reused in order beyond.
  const uniquePrompts = Math.min(10_000, requests ?? (ratePerS !== null && durationMs !== null ? Math.ceil((ratePerS * durationMs) / 1000) + 1 : 1000));
  const workload = workloadPlan(flags, { api, count: uniquePrompts, seed, parseDurationMs });
  const { prompts, source } = workload;
  const usersFields = usersPlan(flags, users, prompts);
  // A trace is replayed whole (or its --trace-start/--trace-end window); -n sends its first n requests only.
  const runRequests = trace ? Math.min(flags.requests ? (requests as number) : Infinity, prompts.length) : requests;
  let headers: Record<string, string> = {};
  for (const header of flags.header) headers = parseHeader(header, headers);
  // undici refuses such a value on every request; say so now, naming the header but never echoing its (secret) value.
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(value)) throw new UsageError(`--header ${name}: the value contains a line break or NUL; pass one header per --header`);
    checkHeaderValue(value, `--header ${name}`);
  }
  const notes: string[] = [];
  const endpoint = flags.url === undefined ? null : endpointPathNote(flags.url, api);
  if (endpoint) notes.push(endpoint);
  const workers = clampWorkers(resolveWorkerCount(flags.workers ?? '1', availableParallelism()), flags.workers ?? '1', concurrency, availableParallelism(), notes);
  return withClusterOptions({
    baseUrl: flags.url === undefined ? null : normalizeBaseUrl(flags.url),
    model: flags.model,
    api,
    stream: flags.stream && api !== 'embeddings',
    concurrency,
    requests: trace && durationMs !== null && !flags.requests ? null : runRequests,
    durationMs,
    ratePerS,
    prompts,
    promptSource: source,
    // A length distribution sets max_tokens per prompt; the run-wide value is then only a fallback nobody uses.
    outputTokens: workload.outputTokens ?? (flags.outputTokens === undefined ? DEFAULT_OUTPUT_TOKENS : null),
    ...workload.fields,
    ...usersFields,
    headers,
    apiKey: readApiKey(flags),
    apiKeyEnv: flags.apiKeyEnv,
    timeoutMs,
    idleTimeoutMs: flags.idleTimeout ? parseDurationMs(flags.idleTimeout, '--idle-timeout') : timeoutMs,
    maxEventBytes: parseByteCount(flags.maxEventBytes ?? '1MB', '--max-event-bytes'),
    outDir: flags.out,
    overwrite: Boolean(flags.overwrite),
    json: Boolean(flags.json),
    quiet: Boolean(flags.quiet),
    seed,
    extraBody: flags.extraBody ? parseJsonObject(flags.extraBody, '--extra-body') : {},
    warmupRequests: parseNonNegativeInt(flags.warmup, '--warmup'),
    rejectUnauthorized: !flags.insecure,
    preconnect: flags.preconnect !== false,
    continuousUsage: Boolean(flags.continuousUsage) && flags.stream && (api === 'chat' || api === 'completions'),
    // The server's own count per chunk (continuous usage) is the truth; the tokenizer's is the fallback.
    packageTokenizer:
      flags.tokenizer !== undefined && flags.stream && api !== 'embeddings' && !(Boolean(flags.continuousUsage) && (api === 'chat' || api === 'completions')) ? flags.tokenizer : undefined,
    graceMs: parseDurationMs(flags.grace, '--grace'),
    retries: parseNonNegativeInt(flags.retries ?? '0', '--retries'),
    simulator: {
      ttftMs: optionalNumber(flags.simTtft, '--sim-ttft'),
      itlMs: optionalNumber(flags.simItl, '--sim-itl'),
      // Asked for N output tokens and no simulator length: the built-in simulator answers N, so a demo shows
      // the asked length (a real model may stop earlier; the result records requested and actual either way).
      outputTokens:
        optionalInt(flags.simOutputTokens, '--sim-output-tokens') ??
        (flags.outputTokens !== undefined && workload.outputTokens !== null ? workload.outputTokens : undefined),
      slots: optionalInt(flags.simSlots, '--sim-slots'),
      contention: optionalNumber(flags.simContention, '--sim-contention'),
      reasoningTokens: optionalInt(flags.simReasoningTokens, '--sim-reasoning-tokens'),
      specTokens: optionalInt(flags.simSpecTokens, '--sim-spec-tokens'),
      specAccept: optionalNumber(flags.simSpecAccept, '--sim-spec-accept'),
      toolInvalidRate: optionalShare(flags.simToolInvalidRate, '--sim-tool-invalid-rate'),
      schemaInvalidRate: optionalShare(flags.simSchemaInvalidRate, '--sim-schema-invalid-rate'),
      imageTokenMs: optionalNumber(flags.simImageTokenMs, '--sim-image-token-ms'),
      // Workloads made to exercise a prefix cache get one in the built-in simulator (1M tokens) unless told otherwise.
      prefixCacheTokens:
        flags.simPrefixCache !== undefined
          ? parseNonNegativeInt(flags.simPrefixCache, '--sim-prefix-cache')
          : workload.fields.datasetKind === 'shared-prefix' || (workload.fields.datasetKind as string) === 'trace' ? 1_000_000 : undefined,
    },
    ...toolPlan(flags, api, prompts),
    cancel: cancelPlan(flags),
    formats: parseFormats(flags.format),
    slos: flags.slo.map(parseSlo),
    live: toLivePlan(flags),
    workers,
    labels: parseChoice(flags.labels ?? 'vllm', '--labels', ['vllm', 'seed'] as const),
    failOnErrorRate: flags.failOnErrors === undefined ? null : parseErrorRate(flags.failOnErrors),
    notes,
    capGiven: cap !== undefined,
  }, flags);
}

/** --cancel-rate R (a share, 0..1) with --cancel-after T (default 1s); either alone names the other. */
function cancelPlan(flags: RunFlags): { rate: number; afterMs: number } | undefined {
  if (flags.cancelRate === undefined) {
    if (flags.cancelAfter !== undefined) throw new UsageError('--cancel-after needs --cancel-rate R: the share of requests to abort');
    return undefined;
  }
  const rate = Number(flags.cancelRate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new UsageError(`--cancel-rate ${flags.cancelRate}: must be a share from 0 to 1, e.g. 0.1`);
  return { rate, afterMs: parseDurationMs(flags.cancelAfter ?? '1s', '--cancel-after') };
}

/** A share 0..1 (simulator invalid-output rates). */
function optionalShare(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag} ${text}: must be a share from 0 to 1, e.g. 0.3`);
  return value;
}

/** --tools, --tool-choice and --response-format, read and compiled once; refused where the API cannot carry them. */
function toolPlan(flags: RunFlags, api: ApiKind, prompts: Prompt[]): Pick<RunPlan, 'tools' | 'toolChoice' | 'responseFormat'> {
  const tools = flags.tools === undefined ? null : loadToolsFile(flags.tools);
  const datasetTools = prompts.some((prompt) => prompt.tools !== undefined);
  if ((tools !== null || datasetTools) && api !== 'chat' && api !== 'responses' && api !== 'messages') {
    throw new UsageError(`${tools !== null ? '--tools' : "the dataset's tools"}: --api ${api} has no tool calls; use --api chat, responses or messages`);
  }
  if (flags.toolChoice !== undefined && tools === null && !datasetTools) throw new UsageError('--tool-choice needs tools: give --tools FILE or a dataset whose records carry "tools"');
  const responseFormat = flags.responseFormat === undefined ? null : loadResponseFormatFile(flags.responseFormat);
  if (responseFormat !== null && api !== 'chat' && api !== 'responses') {
    throw new UsageError(`--response-format: --api ${api} has no JSON-schema output format llmperf sends; use --api chat or responses`);
  }
  return { tools, toolChoice: parseToolChoice(flags.toolChoice, tools), responseFormat };
}
