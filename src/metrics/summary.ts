// Builds the `summary` of a result from plain totals and encoded histograms (also what merge uses).
import { summarizeEncoded } from './histogram.js';
import type { DistributionKey, DistributionSummary, EncodedHistogram, Summary } from './schema.js';
import { DISTRIBUTION_KEYS } from './schema.js';

/** Counters of a run, summable across workers and shards. Stored in result.json as `totals`. */
export interface RunTotals {
  expected_requests: number | null;
  concurrency: number;
  sent: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Warm-up requests: sent, but kept out of every statistic. */
  warmup: number;
  errors: Record<string, number>;
  error_samples: Record<string, string>;
  reconnects: number;
  /** Requests sent again after a transient failure (--retries), and the extra attempts in all. */
  retried?: number;
  retry_attempts?: number;
  /** Workload counters (requested vs actual output lengths, client vs server input counts): src/workload/summary.ts. */
  workload?: Record<string, number>;
  /** Content packages of succeeded requests. */
  packages: number;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** Requests whose server usage was implausible (not a count, or above the bound) and was replaced by the client's count. */
  usage_invalid?: number;
  /** One example of such a value, e.g. "completion_tokens: 1000000000000". */
  usage_invalid_sample?: string;
  /** Succeeded requests whose token counts came from the client's estimate. */
  estimated_token_requests: number;
  /** Requests aborted on purpose by --cancel-rate / --cancel-after. */
  cancelled_by_design?: number;
  /** --tokenizer tokens per package: requests left out (CPU budget, stream too long, text the tokenizer failed on). */
  package_tokens_skipped?: number;
  /** Succeeded requests whose usage reported cached_tokens; of them, hits (cached > 0); their cached and prompt tokens. */
  cache_reported_requests?: number;
  cache_hit_requests?: number;
  cached_tokens?: number;
  cache_reported_input_tokens?: number;
  /** Tools in play (--tools, a record's tools): succeeded requests checked, their calls, the invalid ones by kind, and requests without a call. */
  tool_call_requests?: number;
  tool_calls?: number;
  tool_calls_invalid?: number;
  tool_call_invalid_kinds?: Record<string, number>;
  requests_without_tool_call?: number;
  /** --response-format: succeeded requests whose answer was checked against the schema, the invalid ones, by kind. */
  schema_checked?: number;
  schema_invalid?: number;
  schema_invalid_kinds?: Record<string, number>;
  /** Requests that carried images (sent, warm-up excluded), the images, and their file bytes (base64 makes the wire 4/3 of it). */
  image_requests?: number;
  input_images?: number;
  input_image_bytes?: number;
  first_send_epoch_ms: number | null;
  last_end_epoch_ms: number | null;
  max_in_flight: number;
  /** Every request's send-to-end time, summed (whole µs): over the duration, the mean in flight. */
  in_flight_us?: number;
  /** Conversation runs (multi-turn, --users): conversations started, and requests sent as their turns. */
  conversations?: number;
  conversation_turns?: number;
}

/** Totals of a run that has sent nothing yet. */
export function emptyTotals(expectedRequests: number | null, concurrency: number): RunTotals {
  return {
    expected_requests: expectedRequests,
    concurrency,
    sent: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    warmup: 0,
    errors: {},
    error_samples: {},
    reconnects: 0,
    packages: 0,
    input_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    estimated_token_requests: 0,
    first_send_epoch_ms: null,
    last_end_epoch_ms: null,
    max_in_flight: 0,
  };
}

/** A distribution with no values: its count is known (0), every statistic is unknown (null), never 0. */
const EMPTY: DistributionSummary = { mean: null, stdev: null, min: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, count: 0 };
const ALWAYS_PRESENT: DistributionKey[] = ['latency_ms', 'ttft_ms', 'tpot_ms', 'itl_ms', 'queue_ms'];

const round = (value: number, digits = 3): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export function buildSummary(totals: RunTotals, histograms: Partial<Record<DistributionKey, EncodedHistogram>>): Summary {
  const durationS =
    totals.first_send_epoch_ms !== null && totals.last_end_epoch_ms !== null
      ? Math.max(0, (totals.last_end_epoch_ms - totals.first_send_epoch_ms) / 1000)
      : 0;
  const perSecond = (value: number) => (durationS > 0 ? round(value / durationS) : 0);
  // Per-request means of a run with no successful request are unknown: null, not 0.
  const perRequest = (value: number) => (totals.succeeded > 0 ? round(value / totals.succeeded) : null);
  const ended = totals.succeeded + totals.failed;

  const distributions: Partial<Record<DistributionKey, DistributionSummary>> = {};
  for (const key of DISTRIBUTION_KEYS) {
    const encoded = histograms[key];
    if (encoded) distributions[key] = summarizeEncoded(encoded);
    else if (ALWAYS_PRESENT.includes(key)) distributions[key] = { ...EMPTY };
  }

  return {
    duration_s: round(durationS),
    expected_requests: totals.expected_requests,
    concurrency: totals.concurrency,
    sent: totals.sent - totals.warmup,
    completed: ended,
    succeeded: totals.succeeded,
    failed: totals.failed,
    cancelled: totals.cancelled,
    cancelled_by_design: totals.cancelled_by_design ?? 0,
    errors: { ...totals.errors },
    error_samples: { ...totals.error_samples },
    reconnects: totals.reconnects,
    retried: totals.retried ?? 0,
    qps: perSecond(totals.succeeded),
    error_rate: ended > 0 ? round(totals.failed / ended, 6) : 0,
    output_tokens_per_s: perSecond(totals.output_tokens),
    total_tokens_per_s: perSecond(totals.output_tokens + totals.input_tokens),
    input_tokens_per_s: perSecond(totals.input_tokens),
    packages_per_request: perRequest(totals.packages),
    input_tokens_per_request: perRequest(totals.input_tokens),
    output_tokens_per_request: perRequest(totals.output_tokens),
    reasoning_tokens_per_request: perRequest(totals.reasoning_tokens),
    total_input_tokens: totals.input_tokens,
    total_output_tokens: totals.output_tokens,
    token_counts_estimated: totals.estimated_token_requests > 0,
    usage_invalid: totals.usage_invalid ?? 0,
    ...(totals.package_tokens_skipped ? { package_tokens_skipped: totals.package_tokens_skipped } : {}),
    ...(totals.usage_invalid_sample !== undefined ? { usage_invalid_sample: totals.usage_invalid_sample } : {}),
    ...cacheFields(totals),
    ...outputCheckFields(totals),
    ...imageFields(totals),
    max_in_flight: totals.max_in_flight,
    mean_in_flight: totals.in_flight_us !== undefined && durationS > 0 ? round(totals.in_flight_us / (durationS * 1_000_000)) : null,
    ...(totals.conversations !== undefined
      ? { conversations: totals.conversations, turns_per_conversation: totals.conversations > 0 ? round((totals.conversation_turns ?? 0) / totals.conversations) : null }
      : {}),
    warmup_requests: totals.warmup,
    ...(distributions as Pick<Summary, 'latency_ms' | 'ttft_ms' | 'tpot_ms' | 'itl_ms' | 'queue_ms'>),
  };
}

/** The prefix-cache view: shares over the requests whose server reported cached_tokens (null when none did). */
function cacheFields(totals: RunTotals): Partial<Summary> {
  const reported = totals.cache_reported_requests ?? 0;
  const inputTokens = totals.cache_reported_input_tokens ?? 0;
  return {
    cache_reported_requests: reported,
    cache_hit_requests: totals.cache_hit_requests ?? 0,
    cached_token_share: reported > 0 && inputTokens > 0 ? round((totals.cached_tokens ?? 0) / inputTokens, 6) : null,
    cache_hit_rate: reported > 0 ? round((totals.cache_hit_requests ?? 0) / reported, 6) : null,
  };
}

/**
 * Tool calls and structured outputs, present only when the run checked them: valid share of the calls (of the
 * answers), null when there was nothing to check (no call made), never 0 for "unknown".
 */
function outputCheckFields(totals: RunTotals): Partial<Summary> {
  const fields: Partial<Summary> = {};
  if (totals.tool_call_requests !== undefined) {
    const calls = totals.tool_calls ?? 0;
    const invalid = totals.tool_calls_invalid ?? 0;
    fields.tool_call_valid_rate = calls > 0 ? round((calls - invalid) / calls, 6) : null;
    fields.tool_calls_per_request = totals.tool_call_requests > 0 ? round(calls / totals.tool_call_requests) : null;
    fields.tool_calls = calls;
    fields.tool_calls_invalid = invalid;
    fields.tool_call_invalid_kinds = byName(totals.tool_call_invalid_kinds);
    fields.requests_without_tool_call = totals.requests_without_tool_call ?? 0;
  }
  if (totals.schema_checked !== undefined) {
    const invalid = totals.schema_invalid ?? 0;
    fields.schema_valid_rate = totals.schema_checked > 0 ? round((totals.schema_checked - invalid) / totals.schema_checked, 6) : null;
    fields.schema_checked = totals.schema_checked;
    fields.schema_invalid = invalid;
    fields.schema_invalid_kinds = byName(totals.schema_invalid_kinds);
  }
  return fields;
}

/** Counts by kind in name order: the same run writes the same document whatever order its requests ended in. */
const byName = (counts: Record<string, number> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(counts ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/** Input images (--images, dataset images): totals and means per request that carried any; absent when none did. */
function imageFields(totals: RunTotals): Partial<Summary> {
  const requests = totals.image_requests ?? 0;
  if (requests === 0) return {};
  const images = totals.input_images ?? 0;
  const bytes = totals.input_image_bytes ?? 0;
  return {
    image_requests: requests,
    input_images: images,
    input_image_bytes: bytes,
    input_images_per_request: round(images / requests, 3),
    input_image_bytes_per_request: Math.round(bytes / requests),
  };
}
