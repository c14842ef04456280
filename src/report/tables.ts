// The rows every format shows: summary metrics and percentiles, named as --slo and --fail-on name them.
import Table from 'cli-table3';
import { SCALAR_METRICS } from '../metrics/metric-value.js';
import { DISTRIBUTION_KEYS, type DistributionKey, type DistributionSummary, type ResultDocument } from '../metrics/schema.js';
import { formatNumber } from '../metrics/slo.js';

export interface MetricRow {
  /** The name as summary.csv, --slo and --fail-on spell it. */
  key: string;
  label: string;
  value: number;
}

const LABELS: Record<string, string> = {
  duration_s: 'Duration (s)', expected_requests: 'Requests asked for', concurrency: 'Concurrency', sent: 'Requests sent',
  completed: 'Completed', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', reconnects: 'Reconnects', retried: 'Retried (--retries)',
  qps: 'Requests/s', goodput: 'Goodput (requests/s meeting every per-request SLO)', error_rate: 'Error rate',
  output_tokens_per_s: 'Output tokens/s', total_tokens_per_s: 'Total tokens/s', input_tokens_per_s: 'Input tokens/s',
  packages_per_request: 'Packages (chunks) per request', input_tokens_per_request: 'Input tokens per request',
  output_tokens_per_request: 'Output tokens per request', reasoning_tokens_per_request: 'Reasoning tokens per request',
  total_input_tokens: 'Total input tokens', total_output_tokens: 'Total output tokens',
  input_tokens_client_per_request: "Input tokens per request, client's count", output_tokens_requested_per_request: 'Output tokens per request, asked (max_tokens)',
  cancelled_by_design: 'Cancelled on purpose (--cancel-rate)',
  cached_token_share: 'Prompt tokens served from prefix cache (share)', cache_hit_rate: 'Requests with a prefix-cache hit (share)',
  tool_call_valid_rate: 'Tool calls with valid arguments (share)', tool_calls_per_request: 'Tool calls per request',
  tool_calls_invalid: 'Tool calls with invalid arguments', requests_without_tool_call: 'Requests without a tool call',
  schema_valid_rate: 'Answers matching --response-format (share)', schema_invalid: 'Answers not matching --response-format',
  input_images: 'Input images sent', input_image_bytes: 'Input image bytes sent (files, before base64)',
  input_images_per_request: 'Input images per request (with images)', input_image_bytes_per_request: 'Input image bytes per request (with images)',
  mean_in_flight: 'Requests in flight, mean', max_in_flight: 'Requests in flight, peak',
  conversations: 'Conversations started', turns_per_conversation: 'Turns sent per conversation',
};

export const DISTRIBUTION_LABELS: Record<DistributionKey, string> = {
  ttft_ms: 'TTFT (ms)', tpot_ms: 'TPOT (ms)', itl_ms: 'ITL, time per package (ms)', latency_ms: 'Latency (ms)',
  queue_ms: 'Client queue (ms)', latency_from_intended_ms: 'Latency from intended start (ms)',
  ttft_from_intended_ms: 'TTFT from intended start (ms)', ttfrt_ms: 'Time to first reasoning token (ms)',
  ttfat_ms: 'Time to first answer token (ms)',
  ttst_ms: 'Time to second token, TTST (ms)', first_gap_ms: 'First-to-second token gap (ms)',
  itl_per_token_ms: 'ITL per token, gap / tokens in the package (ms)', tokens_per_package: 'Tokens per package (count)',
  ttft_first_turn_ms: 'TTFT, first turn (ms)', ttft_later_turns_ms: 'TTFT, later turns (ms)',
  ttft_cache_hit_ms: 'TTFT, prefix-cache hit (ms)', ttft_cache_miss_ms: 'TTFT, prefix-cache miss (ms)',
  ttft_tool_call_ms: 'Time to first tool-call byte (ms)',
  think_time_ms: 'Think time between turns, applied (ms)',
  http_connect_ms: 'HTTP connect, new connections only (ms)', http_headers_ms: 'HTTP response headers (ms)',
  http_first_byte_ms: 'HTTP first body byte (ms)',
};

export const PERCENTILE_COLUMNS = ['mean', 'stdev', 'min', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'count'] as const;

/** Scalar summary values present in the result, in a fixed reading order. */
export function summaryRows(result: ResultDocument): MetricRow[] {
  const summary = result.summary as Record<string, unknown>;
  const rows: MetricRow[] = [];
  for (const key of SCALAR_METRICS) {
    const value = summary[key];
    if (typeof value === 'number' && Number.isFinite(value)) rows.push({ key, label: LABELS[key] ?? key, value });
  }
  return rows;
}

/** Distributions holding at least one value. */
export function distributionRows(result: ResultDocument): Array<{ key: DistributionKey; label: string; summary: DistributionSummary }> {
  const summary = result.summary as Record<string, unknown>;
  return DISTRIBUTION_KEYS.flatMap((key) => {
    const distribution = summary[key] as DistributionSummary | undefined;
    return distribution && distribution.count > 0 ? [{ key, label: DISTRIBUTION_LABELS[key], summary: distribution }] : [];
  });
}

/** Every value flattened to `metric[.stat]` names (summary.csv). */
export function flatMetrics(result: ResultDocument): Array<[string, number]> {
  const flat: Array<[string, number]> = summaryRows(result).map((row) => [row.key, row.value]);
  for (const { key, summary } of distributionRows(result)) {
    for (const stat of PERCENTILE_COLUMNS) {
      const value = summary[stat];
      if (value !== null) flat.push([`${key}.${stat}`, value]);
    }
  }
  for (const [kind, count] of Object.entries(result.summary.errors ?? {})) flat.push([`errors.${kind}`, count]);
  return flat;
}

/** A plain console rendering for `llmperf report` (the run itself prints the lead's richer table). */
export function summaryConsoleTable(result: ResultDocument): string {
  const metrics = new Table({ head: ['metric', 'value'], style: { head: [], border: [] } });
  for (const row of summaryRows(result)) metrics.push([row.label, formatNumber(row.value)]);
  const percentiles = new Table({ head: ['distribution', ...PERCENTILE_COLUMNS], style: { head: [], border: [] } });
  for (const { label, summary } of distributionRows(result)) percentiles.push([label, ...PERCENTILE_COLUMNS.map((stat) => formatNumber(summary[stat]))]);
  return `${metrics.toString()}\n${percentiles.toString()}`;
}
