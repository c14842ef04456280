// Assembles the result document from a run's plain outcome: config (no secrets), summary, histograms, health.
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { encodeHistogram, summarizeUs } from '../metrics/histogram.js';
import { RESULT_SCHEMA, type ClientHealth, type ResultDocument, type RunConfigDocument } from '../metrics/schema.js';
import { buildSummary } from '../metrics/summary.js';
import { workloadSummary } from '../workload/summary.js';
import type { LoadConfig, RunOutcome } from './run.js';
import { clientHealth } from './saturation.js';
import { arrivalsDocument } from './arrival-series.js';
import { describeThinkTime } from '../workload/think-time.js';
import { redactUrl } from '../util/redact.js';
import { DEFAULT_MAX_EVENT_BYTES } from './stream.js';

export { clientHealth };

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const VERSION: string = packageJson.version;


/** The parts of the configuration that let a user rerun the test; header values never appear. */
export function configDocument(config: LoadConfig, extra: Record<string, unknown> = {}): RunConfigDocument {
  return {
    url: redactUrl(config.target.baseUrl),
    model: config.target.model,
    api: config.api,
    stream: config.stream,
    concurrency: config.concurrency,
    requests: config.requests,
    duration_s: config.durationMs === null ? null : config.durationMs / 1000,
    rate: config.ratePerS,
    output_tokens: config.outputTokens,
    prompt_count: config.prompts.length,
    warmup_requests: config.warmupRequests,
    seed: config.seed,
    timeout_ms: config.timeoutMs,
    idle_timeout_ms: config.idleTimeoutMs,
    max_event_bytes: config.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    extra_body: config.extraBody,
    header_names: Object.keys(config.target.headers ?? {}),
    api_key: config.target.apiKey ? 'redacted' : null,
    // Only when asked: it changes what the server sends (usage in every chunk), so a reader of the result must know.
    ...(config.continuousUsage ? { continuous_usage: true } : {}),
    // Tokens per package counted by the client's tokenizer at each request's end (not the server's count).
    ...(config.packageTokenizer !== undefined && !config.continuousUsage && config.stream ? { package_tokens: `tokenizer:${config.packageTokenizer}` } : {}),
    // Tool names and the schema's name only: the schemas themselves are in the files the run was given.
    ...(config.tools ? { tools: config.tools.map((tool) => tool.function.name) } : {}),
    ...(config.toolChoice ? { tool_choice: config.toolChoice } : {}),
    ...(config.responseFormat ? { response_format: config.responseFormat.name } : {}),
    // --users: concurrency is emergent (users thinking send nothing); the summary's mean_in_flight and max_in_flight say what it was.
    ...(config.users ? { users: config.concurrency } : {}),
    ...(config.thinkTime ? { think_time: describeThinkTime(config.thinkTime) } : {}),
    ...extra,
  };
}


export interface ResultMeta {
  startedAt: Date;
  endedAt: Date;
  simulated: boolean;
  extraConfig?: Record<string, unknown>;
  /** The run's id, also in every row of its requests.csv (`report` refuses a pair whose ids differ). */
  runId?: string;
}

export function buildResult(config: LoadConfig, outcome: RunOutcome, meta: ResultMeta): ResultDocument {
  const histograms = { ...outcome.histograms };
  if (outcome.scheduleLagUs && outcome.scheduleLagUs.totalCount > 0) {
    (histograms as Record<string, unknown>).schedule_lag_ms = encodeHistogram(outcome.scheduleLagUs);
  }
  const summary = { ...buildSummary(outcome.totals, outcome.histograms), ...workloadSummary(outcome.totals.workload, config.ignoreEos ?? false) };
  return {
    schema: RESULT_SCHEMA,
    ...(meta.runId === undefined ? {} : { run_id: meta.runId }),
    tool: { name: 'llmperf', version: VERSION, node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
    started_at: meta.startedAt.toISOString(),
    ended_at: meta.endedAt.toISOString(),
    interrupted: outcome.interrupted,
    simulated: meta.simulated,
    config: configDocument(config, meta.extraConfig),
    summary,
    totals: outcome.totals,
    histograms,
    timeseries: outcome.timeseries,
    ...(outcome.arrivals ? { arrivals: arrivalsDocument(outcome.arrivals) } : {}),
    client: clientHealth(outcome, delayReference(config, summary)),
  };
}

/** What the client's own delay is compared with: TTFT p50, or for embeddings (one answer, no tokens) latency p50. */
function delayReference(config: LoadConfig, summary: ResultDocument['summary']): number | { name: string; p50Ms: number } | null {
  if (config.api === 'embeddings') return summary.latency_ms.count && summary.latency_ms.p50 !== null ? { name: 'latency', p50Ms: summary.latency_ms.p50 } : null;
  return summary.ttft_ms.count && summary.ttft_ms.p50 !== null ? summary.ttft_ms.p50 : null;
}
