// The result document (result.json): the contract between the engine and everything that reads a run.
// Keys are snake_case with units in their names because users' scripts read this file directly.
import type { SloOutcome } from './slo.js';
import type { Breakdown } from './breakdown.js';

export const RESULT_SCHEMA = 'llmperf/result@1';

/**
 * A latency distribution summary, every field in milliseconds. With no values (`count` 0) every statistic is
 * null: unknown, never 0 (latency_ms, ttft_ms, tpot_ms, itl_ms and queue_ms are always present, possibly empty).
 */
export interface DistributionSummary {
  mean: number | null;
  stdev: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  /** How many values the distribution holds. */
  count: number;
}

/**
 * The event-loop delay monitor's summary: it measures p50, p99 and max only, so every other field, the
 * count included, is null (unknown), never 0.
 */
export type LoopDelaySummary = Omit<DistributionSummary, 'count'> & { count: number | null };

/** An HDR histogram as it travels between processes and files. Values were recorded in `unit`. */
export interface EncodedHistogram {
  unit: 'us' | 'count';
  /** hdr-histogram-js `encodeIntoCompressedBase64` output. */
  encoded: string;
}

/** The names of every distribution llmperf records; each is both a summary key and a histogram key. */
export const DISTRIBUTION_KEYS = [
  'latency_ms',
  'ttft_ms',
  'tpot_ms',
  'itl_ms',
  'queue_ms',
  'latency_from_intended_ms',
  'ttft_from_intended_ms',
  'ttfrt_ms',
  'ttfat_ms',
  'ttst_ms',
  'first_gap_ms',
  'itl_per_token_ms',
  'tokens_per_package',
  'ttft_first_turn_ms',
  'ttft_later_turns_ms',
  'ttft_cache_hit_ms',
  'ttft_cache_miss_ms',
  'ttft_tool_call_ms',
  'think_time_ms',
  'http_connect_ms',
  'http_headers_ms',
  'http_first_byte_ms',
] as const;
export type DistributionKey = (typeof DISTRIBUTION_KEYS)[number];

export interface Summary {
  /** Wall time from the first request sent to the last response ended. */
  duration_s: number;
  /** What the run was asked to send (null for a duration-bounded run). */
  expected_requests: number | null;
  concurrency: number;
  /** Requests sent (every one ends as succeeded, failed or cancelled). */
  sent: number;
  /** Requests that ended, successfully or not. */
  completed: number;
  succeeded: number;
  failed: number;
  /** Requests stopped by an interruption before they ended. */
  cancelled: number;
  /** Failure count per error kind. */
  errors: Record<string, number>;
  /** One sample message per error kind (secrets redacted). */
  error_samples: Record<string, string>;
  /** Requests resent once because the connection closed before any byte of the response arrived. */
  reconnects: number;
  /** Requests sent again after a transient failure (opt-in --retries; 0 otherwise). */
  retried?: number;
  /** succeeded / duration_s */
  qps: number;
  error_rate: number;
  output_tokens_per_s: number;
  total_tokens_per_s: number;
  input_tokens_per_s: number;
  /** Mean SSE chunks with content per successful request (null: no request succeeded, so unknown). */
  packages_per_request: number | null;
  /** Per successful request (null when none succeeded). */
  input_tokens_per_request: number | null;
  output_tokens_per_request: number | null;
  total_input_tokens: number;
  total_output_tokens: number;
  /** True when some token counts came from the client, not the server's `usage`. */
  token_counts_estimated: boolean;
  /** Requests whose server usage was implausible (not a non-negative integer, or above 10x max_tokens / 10 million): the client's count was used. */
  usage_invalid?: number;
  /** One such value, e.g. "completion_tokens: 1000000000000 (more than 160)". */
  usage_invalid_sample?: string;
  /** Distributions; present keys only where at least one value was recorded. */
  latency_ms: DistributionSummary;
  ttft_ms: DistributionSummary;
  tpot_ms: DistributionSummary;
  itl_ms: DistributionSummary;
  queue_ms: DistributionSummary;
  latency_from_intended_ms?: DistributionSummary;
  ttft_from_intended_ms?: DistributionSummary;
  /** Time to first reasoning token and to first answer token (reasoning models). */
  ttfrt_ms?: DistributionSummary;
  ttfat_ms?: DistributionSummary;
  /**
   * Time to second token: send to the second package (anchored like TTFT), and the gap from the first package
   * to the second (what aiperf calls TTST). Streamed requests with two packages or more.
   */
  ttst_ms?: DistributionSummary;
  first_gap_ms?: DistributionSummary;
  /**
   * --continuous-usage: each inter-package gap divided by the tokens its package delivered (ITL per token, beside
   * `itl_ms`, ITL per package), and the tokens per package (a count, not ms: one package is several tokens under
   * speculative decoding or a stream interval).
   */
  itl_per_token_ms?: DistributionSummary;
  tokens_per_package?: DistributionSummary;
  /** --tokenizer: requests whose packages were not counted (the tokenizer's CPU budget, over-long streams): a sample then. */
  package_tokens_skipped?: number;
  reasoning_tokens_per_request?: number | null;
  /** Multi-turn runs: TTFT of each conversation's first turn, and of the later turns (longer histories). */
  ttft_first_turn_ms?: DistributionSummary;
  ttft_later_turns_ms?: DistributionSummary;
  /** TTFT of requests the server reported some cached prompt tokens for (hit), and none (miss). */
  ttft_cache_hit_ms?: DistributionSummary;
  ttft_cache_miss_ms?: DistributionSummary;
  /**
   * HTTP phases of successful requests, so a slow TTFT can be told from a slow network or gateway:
   * `http_connect_ms` the TCP (and TLS) set-up of a connection the request itself opened (only requests that opened
   * one during the run: pre-opened connections and keep-alive reuse have none; the pre-open is `client.connections`);
   * `http_headers_ms` from the request's write to its response headers; `http_first_byte_ms` from the write to the
   * first byte of the response body. TTFT minus first byte is the time the first event took after the body began.
   */
  http_connect_ms?: DistributionSummary;
  http_headers_ms?: DistributionSummary;
  http_first_byte_ms?: DistributionSummary;
  /** Successful requests whose usage reported prompt_tokens_details.cached_tokens, and those with at least one cached token. */
  cache_reported_requests?: number;
  cache_hit_requests?: number;
  /** Cached prompt tokens / prompt tokens, over the requests that reported it (null: the server reported none). */
  cached_token_share?: number | null;
  /** cache_hit_requests / cache_reported_requests (null: the server reported none). */
  cache_hit_rate?: number | null;
  /** Time to the first tool-call fragment (send to the first delta.tool_calls / argument delta), requests that made a call. */
  ttft_tool_call_ms?: DistributionSummary;
  /**
   * Tools in play: the share of tool calls whose arguments parsed as JSON and matched the tool's parameters schema
   * (null: no call was made), calls per succeeded request, and the invalid ones by kind (not_json, schema_violation,
   * unknown_tool, too_large); requests that made no call at all.
   */
  tool_call_valid_rate?: number | null;
  tool_calls_per_request?: number | null;
  tool_calls?: number;
  tool_calls_invalid?: number;
  tool_call_invalid_kinds?: Record<string, number>;
  requests_without_tool_call?: number;
  /** --response-format: the share of answers that parsed as JSON and matched the schema, of those checked; invalid ones by kind. */
  schema_valid_rate?: number | null;
  schema_checked?: number;
  schema_invalid?: number;
  schema_invalid_kinds?: Record<string, number>;
  /**
   * --think-time: the pauses actually applied between a reply's end and the user's next send (timer lateness
   * included), never part of any latency. Conversation runs (multi-turn, --users): conversations started, and
   * the turns sent per conversation on average (a deadline cuts the last ones short).
   */
  think_time_ms?: DistributionSummary;
  conversations?: number;
  turns_per_conversation?: number | null;
  /** Requests in flight on average over the run (the sum of every request's send-to-end time / duration); max_in_flight is the peak. */
  mean_in_flight?: number | null;
  /** Requests that met every per-request SLO, per second (null without per-request SLOs). */
  goodput?: number | null;
  /**
   * Input images (--images or the dataset's), over sent requests that carried any (warm-up excluded): how many
   * requests, images and file bytes in all (base64 data URLs put 4/3 of that on the wire), and means per such request.
   */
  image_requests?: number;
  input_images?: number;
  input_image_bytes?: number;
  input_images_per_request?: number;
  input_image_bytes_per_request?: number;
  [extra: string]: unknown;
}

export interface ToolInfo {
  name: 'llmperf';
  version: string;
  node: string;
  platform: string;
  cpus: number;
}

/** Everything needed to rerun, never a secret. Header values are redacted. */
export interface RunConfigDocument {
  url: string;
  model: string;
  api: string;
  concurrency: number;
  requests: number | null;
  duration_s: number | null;
  rate: number | null;
  seed: number;
  timeout_ms: number;
  [extra: string]: unknown;
}

/** One second of the run (bucket starts at `t_s` after the first send). */
export interface TimeseriesPoint {
  t_s: number;
  started: number;
  finished: number;
  failed: number;
  in_flight: number;
  output_tokens: number;
}

/** Client health: whether the load generator itself kept up. */
export interface ClientHealth {
  event_loop_delay_ms: LoopDelaySummary | null;
  schedule_lag_ms: DistributionSummary | null;
  /** Share of the run the engine thread was busy, 0..1 (the busiest thread with --workers). */
  event_loop_utilization?: number | null;
  /** Engine threads the run used. */
  workers?: number;
  saturated: boolean;
  message: string | null;
  /** Connection set-up, a phase of its own: a request's clock starts when it is written to a connected socket. */
  connections?: ConnectionsDocument;
  /** Cores the machine left idle on average during the run; --workers is only advised when at least one was free. */
  free_cores?: number | null;
}

export interface ConnectionsDocument {
  /** Connections opened before the first timed send (no request sent on them; --no-preconnect: 0). */
  preopened: number;
  /** Wall time to open those, ms, before the run's clock started. */
  preopen_ms: number;
  /** Connections opened while the run was timed (reconnects, servers closing after each response). */
  opened_during_run: number;
  failed: number;
  /** Set-up time of each connection (TCP, and TLS on https), ms; null when none was opened. */
  connect_ms: { p50: number | null; p99: number | null; max: number | null; count: number };
  /** Time spent warming the response path on a loopback replay in this process before the run (no request to the server). */
  warm_up_ms?: number;
}

/**
 * Open-loop runs (--rate, trace replay): arrivals per time bucket since the scheduler started, as the schedule
 * made them due and as they were sent. A send later than its bucket is schedule lag or client queueing.
 */
export interface ArrivalsDocument {
  bucket_ms: number;
  scheduled: number[];
  achieved: number[];
  scheduled_total: number;
  achieved_total: number;
  /** The largest |achieved - scheduled| in one bucket. */
  max_bucket_deviation: number;
  /** The largest |sent so far - due so far| at a bucket's end: requests behind (or ahead of) schedule at worst. */
  max_cumulative_deviation: number;
}

export interface ResultDocument {
  schema: typeof RESULT_SCHEMA;
  /** The run's id (absent in results from before ids, and in eval's internal results); requests.csv rows carry it too. */
  run_id?: string;
  tool: ToolInfo;
  started_at: string;
  ended_at: string;
  interrupted: boolean;
  simulated: boolean;
  config: RunConfigDocument;
  summary: Summary;
  histograms: Partial<Record<DistributionKey, EncodedHistogram>>;
  timeseries: TimeseriesPoint[];
  client: ClientHealth;
  /** Open-loop runs: the scheduled and the achieved arrival curves (absent in a closed loop). */
  arrivals?: ArrivalsDocument;
  /** Outcomes of the run's SLOs (`--slo`, or the API's `slo` option), when it had any. */
  slo?: SloOutcome[];
  /** A --model mix: the run's part per model, each with `summary`, `totals` and `histograms` as the run has. */
  by_model?: Breakdown;
  /** Several --url replicas: the run's part per replica, keyed by its URL with credentials redacted. */
  by_url?: Breakdown;
  [extra: string]: unknown;
}

/** One finished request, as written to requests.csv / requests.jsonl and kept for reports. */
export interface RequestRecord {
  index: number;
  /** ms since the run's first send */
  start_ms: number;
  intended_ms: number | null;
  queue_ms: number;
  ttft_ms: number | null;
  latency_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  packages: number;
  status: number;
  ok: boolean;
  error: string | null;
  reconnected: boolean;
  /** Extra attempts this request took under --retries (0: sent once). */
  retries?: number;
  /** The server's id for the request (x-request-id header, else the response's `id`), to join with server logs. */
  request_id?: string | null;
  /** The server's usage was implausible and the client's count was used instead. */
  usage_invalid?: boolean;
  /** The server's usage.prompt_tokens_details.cached_tokens (null: not reported). */
  cached_tokens?: number | null;
  /** The prompt's shared-prefix group (--prefix-groups; null: none). */
  prefix_group?: number | null;
  /** Tools in play: calls the answer made, and how many of them had invalid arguments (null: tools not in play). */
  tool_calls?: number | null;
  tool_calls_invalid?: number | null;
  /** --response-format: whether the answer parsed and matched the schema (null: not checked). */
  schema_valid?: boolean | null;
  /** The first failed check as "kind: detail", e.g. "schema_violation: response /city: must be string" (null: none). */
  invalid_reason?: string | null;
  /** Images the request carried, and their file bytes (0 and 0 without images). */
  input_images?: number;
  input_image_bytes?: number;
  /** Conversation runs (multi-turn, --users): the index of the conversation's first request, and this request's turn (0 first). */
  conversation?: number | null;
  turn?: number | null;
  /** TCP (+TLS) set-up of a connection this request opened, ms (null: it reused one or got a pre-opened one). */
  http_connect_ms?: number | null;
  /** From the request's write to its response headers, and to the first byte of its body, ms (null: none came). */
  http_headers_ms?: number | null;
  http_first_byte_ms?: number | null;
  /** The model (or LoRA adapter) the request asked for (--model, or one of a --model mix). */
  model?: string | null;
  /** The replica it was sent to (--url, repeated for several), credentials redacted. */
  url?: string | null;
}
