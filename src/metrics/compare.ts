// `llmperf compare`: every summary metric side by side, with change, and for latencies whether it exceeds run-to-run noise.
import { decodeHistogram } from './histogram.js';
import { weightedFromHistogram, weightedFromSamples, type WeightedValues } from './histogram-values.js';
import { evaluateFailOn, relativeChangePct, type FailOn, type FailOnOutcome } from './fail-on.js';
import { metricValue, SCALAR_METRICS } from './metric-value.js';
import { DISTRIBUTION_KEYS, type DistributionKey, type RequestRecord, type ResultDocument } from './schema.js';
import { bootstrapQuantileDiff, mannWhitney, meanDiffInterval } from './significance.js';

/** Whether a change of this statistic is larger than run-to-run noise. */
export interface Significance {
  /** `bootstrap` for percentiles, `welch` (normal interval) for means. */
  method: 'bootstrap' | 'welch';
  /** Per-request samples from requests.csv, or the result's histograms. */
  source: 'samples' | 'histogram';
  ci_low: number;
  ci_high: number;
  significant: boolean;
  /** The interval excludes zero but the change is smaller than --min-effect: real, but not news. */
  below_min_effect?: boolean;
  /**
   * True when the bootstrap interval was widened to hold the printed change: the change is read from the
   * summary (HDR histogram) and the interval from per-request samples, two estimators that can differ slightly.
   */
  widened?: boolean;
  /**
   * False when a run has fewer than MIN_TAIL_SAMPLES values beyond the percentile: the bootstrap of a tail
   * quantile cannot see past the sample maximum, so no verdict is given (ci_* are NaN).
   */
  enough_samples: boolean;
}

/** Values needed beyond a percentile before its bootstrap interval means anything (p99 needs 300 requests). */
export const MIN_TAIL_SAMPLES = 3;
/** Distributions pooled over the chunks of every request (many values per request). */
const POOLED = new Set<DistributionKey>(['itl_ms']);

export interface CompareRow {
  metric: string;
  base: number | null;
  new: number | null;
  delta: number | null;
  delta_pct: number | null;
  /** Which direction is an improvement, when there is one. */
  better: 'lower' | 'higher' | null;
  significance: Significance | null;
}

/** Mann-Whitney U test of a whole latency distribution. */
export interface DistributionShift {
  metric: DistributionKey;
  source: 'samples' | 'histogram';
  base_count: number;
  new_count: number;
  p_value: number;
  prob_new_greater: number;
}

export interface Comparison {
  schema: 'llmperf/compare@1';
  confidence: number;
  min_effect_pct: number;
  rows: CompareRow[];
  shifts: DistributionShift[];
  fail_on: FailOnOutcome[];
  /** True when any --fail-on condition was crossed. */
  failed: boolean;
}

export interface CompareOptions {
  baseRecords?: readonly RequestRecord[];
  newRecords?: readonly RequestRecord[];
  failOn?: readonly FailOn[];
  /** Confidence of the intervals, default 0.95. */
  confidence?: number;
  /** A change smaller than this (percent) is never called significant: tiny shifts are real but not news. Default 5. */
  minEffectPct?: number;
  seed?: number;
}

const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
const TESTED_STATS: Record<string, number | 'mean'> = { mean: 'mean', p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };
/** Record fields that are the same quantity as the distribution of that name. */
const SAMPLE_FIELDS: Partial<Record<DistributionKey, 'ttft_ms' | 'latency_ms' | 'queue_ms'>> = { ttft_ms: 'ttft_ms', latency_ms: 'latency_ms', queue_ms: 'queue_ms' };
const HIGHER_IS_BETTER = new Set(['qps', 'goodput', 'succeeded', 'output_tokens_per_s', 'total_tokens_per_s', 'input_tokens_per_s']);
const LOWER_IS_BETTER = new Set(['failed', 'cancelled', 'error_rate', 'reconnects', 'retried']);

function samplesOf(records: readonly RequestRecord[] | undefined, field: 'ttft_ms' | 'latency_ms' | 'queue_ms'): number[] | null {
  if (!records) return null;
  const values: number[] = [];
  for (const record of records) {
    const value = record[field];
    if (record.ok && value !== null) values.push(value);
  }
  return values.length > 0 ? values : null;
}

function distributionValues(key: DistributionKey, base: ResultDocument, next: ResultDocument, options: CompareOptions) {
  const field = SAMPLE_FIELDS[key];
  if (field) {
    const a = samplesOf(options.baseRecords, field);
    const b = samplesOf(options.newRecords, field);
    if (a && b) return { source: 'samples' as const, base: weightedFromSamples(a), next: weightedFromSamples(b) };
  }
  const encodedA = base.histograms?.[key];
  const encodedB = next.histograms?.[key];
  if (!encodedA || !encodedB) return null;
  const a = weightedFromHistogram(decodeHistogram(encodedA));
  const b = weightedFromHistogram(decodeHistogram(encodedB));
  return a.total > 0 && b.total > 0 ? { source: 'histogram' as const, base: a, next: b } : null;
}

function row(metric: string, baseValue: number | null, newValue: number | null, better: CompareRow['better']): CompareRow {
  const both = baseValue !== null && newValue !== null;
  return {
    metric, base: baseValue, new: newValue, better, significance: null,
    delta: both ? newValue - baseValue : null,
    delta_pct: both ? relativeChangePct(baseValue, newValue) : null,
  };
}

export function compareResults(base: ResultDocument, next: ResultDocument, options: CompareOptions = {}): Comparison {
  const confidence = options.confidence ?? 0.95;
  const minEffectPct = options.minEffectPct ?? 5;
  const rows: CompareRow[] = [];
  const shifts: DistributionShift[] = [];
  for (const metric of SCALAR_METRICS) {
    const a = metricValue(base, metric, null);
    const b = metricValue(next, metric, null);
    if (a === null && b === null) continue;
    rows.push(row(metric, a, b, HIGHER_IS_BETTER.has(metric) ? 'higher' : LOWER_IS_BETTER.has(metric) ? 'lower' : null));
  }
  for (const key of DISTRIBUTION_KEYS) {
    if (metricValue(base, key, 'count') === null && metricValue(next, key, 'count') === null) continue;
    const values = distributionValues(key, base, next, options);
    if (values) {
      const test = mannWhitney(values.base, values.next);
      shifts.push({ metric: key, source: values.source, base_count: values.base.total, new_count: values.next.total, p_value: test.p_value, prob_new_greater: test.prob_new_greater });
    }
    for (const stat of STATS) {
      const r = row(`${key}.${stat}`, metricValue(base, key, stat), metricValue(next, key, stat), 'lower');
      const tested = TESTED_STATS[stat];
      // Pooled per-chunk gaps are not independent draws: within a request they move together, so the
      // noise is judged on as many observations as there were requests.
      const effectiveN = POOLED.has(key) ? { base: base.summary.succeeded, next: next.summary.succeeded } : undefined;
      if (values && tested !== undefined && r.delta_pct !== null) {
        r.significance = significance(values.base, values.next, tested, values.source, r.delta!, r.delta_pct, confidence, minEffectPct, options.seed, effectiveN);
      }
      rows.push(r);
    }
  }
  const failOn = (options.failOn ?? []).map((condition) => evaluateFailOn(condition, base, next));
  return { schema: 'llmperf/compare@1', confidence, min_effect_pct: minEffectPct, rows, shifts, fail_on: failOn, failed: failOn.some((o) => o.crossed) };
}

function significance(
  a: WeightedValues, b: WeightedValues, stat: number | 'mean', source: Significance['source'],
  delta: number, deltaPct: number, confidence: number, minEffectPct: number, seed = 1, effectiveN?: { base: number; next: number },
): Significance {
  const method = stat === 'mean' ? 'welch' : 'bootstrap';
  const nA = Math.min(a.total, effectiveN?.base ?? a.total);
  const nB = Math.min(b.total, effectiveN?.next ?? b.total);
  if (stat !== 'mean' && Math.min(nA, nB) * (1 - stat) < MIN_TAIL_SAMPLES) {
    return { method, source, ci_low: NaN, ci_high: NaN, significant: false, enough_samples: false };
  }
  const interval =
    stat === 'mean' ? meanDiffInterval(a, b, confidence, effectiveN) : bootstrapQuantileDiff(a, b, stat, { confidence, seed, effectiveN });
  // The printed change must lie inside its printed interval: widen the interval to hold it (never narrow it).
  const low = Math.min(interval.low, delta);
  const high = Math.max(interval.high, delta);
  const excludesZero = low > 0 || high < 0;
  const bigEnough = Math.abs(deltaPct) >= minEffectPct;
  return {
    method, source, ci_low: low, ci_high: high, significant: excludesZero && bigEnough, enough_samples: true,
    below_min_effect: excludesZero && !bigEnough, widened: low !== interval.low || high !== interval.high,
  };
}

export { comparisonMarkdown, comparisonTable, formatPct, shownRows, verdict } from './compare-format.js';
