// Metric names as users write them (`ttft_ms.p99`, `error_rate`, `errors.timeout`), checked and looked up in a result.
import { DISTRIBUTION_KEYS, type DistributionKey, type DistributionSummary, type ResultDocument } from './schema.js';
import { decodeHistogram } from './histogram.js';

/** Scalar summary values a threshold can name. */
export const SCALAR_METRICS = [
  'duration_s', 'expected_requests', 'concurrency', 'sent', 'completed', 'succeeded', 'failed', 'cancelled',
  'reconnects', 'retried', 'qps', 'goodput', 'error_rate', 'output_tokens_per_s', 'total_tokens_per_s', 'input_tokens_per_s',
  'packages_per_request', 'input_tokens_per_request', 'output_tokens_per_request', 'reasoning_tokens_per_request',
  'total_input_tokens', 'total_output_tokens', 'input_tokens_client_per_request', 'output_tokens_requested_per_request',
  'cached_token_share', 'cache_hit_rate', 'cancelled_by_design',
  'tool_call_valid_rate', 'tool_calls_per_request', 'tool_calls_invalid', 'requests_without_tool_call', 'schema_valid_rate', 'schema_invalid',
  'input_images', 'input_image_bytes', 'input_images_per_request', 'input_image_bytes_per_request',
  'mean_in_flight', 'max_in_flight', 'conversations', 'turns_per_conversation',
] as const;

/** Statistics stored in every distribution summary; other `pNN` are computed from the histogram. */
export const STORED_STATS = ['mean', 'stdev', 'min', 'max', 'count', 'p50', 'p90', 'p95', 'p99', 'p999'] as const;

export function isDistribution(metric: string): metric is DistributionKey {
  return (DISTRIBUTION_KEYS as readonly string[]).includes(metric);
}

/** `p99` -> 99, `p999` -> 99.9, `p99.9` -> 99.9, `p9999` -> 99.99, `p100` -> 100; null when not a percentile. */
export function percentileOf(stat: string): number | null {
  const match = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!match) return null;
  const digits = match[1]!;
  const value = digits.includes('.') || digits.length <= 2 || digits === '100' ? Number(digits) : Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return value >= 0 && value <= 100 ? value : null;
}

/**
 * Why `metric[.stat]` cannot name a value, or null when it can. `perRequestAllowed` accepts a bare
 * distribution name (a per-request threshold such as `ttft_ms < 1000`).
 */
export function metricProblem(metric: string, stat: string | null, perRequestAllowed: boolean): string | null {
  if (isDistribution(metric)) {
    if (stat === null) return perRequestAllowed ? null : `${metric} needs a statistic, e.g. ${metric}.p99`;
    if ((STORED_STATS as readonly string[]).includes(stat) || percentileOf(stat) !== null) return null;
    return `unknown statistic "${stat}" (use mean, stdev, min, max, count, p50, p90, p95, p99, p999 or any pNN)`;
  }
  if (metric === 'errors') return stat === null ? 'errors needs an error kind, e.g. errors.timeout' : null;
  if ((SCALAR_METRICS as readonly string[]).includes(metric)) return stat === null ? null : `${metric} is a single value and takes no ".${stat}"`;
  return `unknown metric "${metric}" (known: ${[...SCALAR_METRICS, ...DISTRIBUTION_KEYS, 'errors.<kind>'].join(', ')})`;
}

/** The display name, as summary.csv, --slo and --fail-on spell it. */
export function metricName(metric: string, stat: string | null): string {
  return stat === null ? metric : `${metric}.${stat}`;
}

/** Looks a value up; null when the result does not hold it (a distribution with no values counts as absent). */
export function metricValue(result: ResultDocument, metric: string, stat: string | null): number | null {
  const summary = result.summary as Record<string, unknown>;
  if (metric === 'errors') return stat === null ? null : (result.summary.errors?.[stat] ?? 0);
  if (isDistribution(metric)) {
    const distribution = summary[metric] as DistributionSummary | undefined;
    if (!distribution || !distribution.count) return null;
    if (stat === null) return null;
    const stored = (distribution as unknown as Record<string, unknown>)[stat];
    if (typeof stored === 'number') return stored;
    const percentile = percentileOf(stat);
    const encoded = result.histograms?.[metric];
    if (percentile === null || !encoded) return null;
    return Math.round(decodeHistogram(encoded).getValueAtPercentile(percentile)) / 1000;
  }
  const value = summary[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Parses `metric[.stat]` from the left side of an expression. */
export function splitMetric(text: string): { metric: string; stat: string | null } {
  const dot = text.indexOf('.');
  return dot < 0 ? { metric: text, stat: null } : { metric: text.slice(0, dot), stat: text.slice(dot + 1) };
}
