// Distinct values and their counts, from raw samples or from an HDR histogram: what rank tests and bootstraps read.
import type * as hdr from 'hdr-histogram-js';
import type { Histogram } from './histogram.js';

/** A sorted multiset: `values` ascending and distinct, `counts[i]` how often `values[i]` occurs. */
export interface WeightedValues {
  values: Float64Array;
  counts: Float64Array;
  /** `cumulative[i]` = counts[0] + ... + counts[i]. */
  cumulative: Float64Array;
  total: number;
}

function fromPairs(pairs: Array<[number, number]>): WeightedValues {
  const values = new Float64Array(pairs.length);
  const counts = new Float64Array(pairs.length);
  const cumulative = new Float64Array(pairs.length);
  let total = 0;
  pairs.forEach(([value, count], i) => {
    values[i] = value;
    counts[i] = count;
    total += count;
    cumulative[i] = total;
  });
  return { values, counts, cumulative, total };
}

/** From raw samples (any order; non-finite values dropped). */
export function weightedFromSamples(samples: readonly number[]): WeightedValues {
  const sorted = samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const pairs: Array<[number, number]> = [];
  for (const v of sorted) {
    const last = pairs[pairs.length - 1];
    if (last && last[0] === v) last[1] += 1;
    else pairs.push([v, 1]);
  }
  return fromPairs(pairs);
}

/**
 * From a microsecond histogram, in milliseconds. Each bucket stands for its highest equivalent value,
 * the same convention as `getValueAtPercentile`, so quantiles here match the summary's.
 */
export function weightedFromHistogram(histogram: Histogram, scale = 1 / 1000): WeightedValues {
  // createHistogram() builds a pure-JS histogram, which exposes the recorded-values iterator.
  const iterator = (histogram as unknown as hdr.JsHistogram).recordedValuesIterator;
  iterator.reset();
  const pairs: Array<[number, number]> = [];
  while (iterator.hasNext()) {
    const step = iterator.next();
    if (step.countAddedInThisIterationStep > 0) pairs.push([step.valueIteratedTo * scale, step.countAddedInThisIterationStep]);
  }
  return fromPairs(pairs);
}

/** The value at 0-based rank `rank` of the expanded, sorted multiset. */
export function valueAtRank(w: WeightedValues, rank: number): number {
  let lo = 0;
  let hi = w.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (w.cumulative[mid]! > rank) hi = mid;
    else lo = mid + 1;
  }
  return w.values[lo]!;
}

/** Nearest-rank quantile (q in 0..1), as HDR histograms define percentiles. */
export function quantile(w: WeightedValues, q: number): number {
  if (w.total === 0) return NaN;
  const rank = Math.min(w.total, Math.max(1, Math.ceil(q * w.total))) - 1;
  return valueAtRank(w, rank);
}

export function mean(w: WeightedValues): number {
  let sum = 0;
  for (let i = 0; i < w.values.length; i++) sum += w.values[i]! * w.counts[i]!;
  return w.total === 0 ? NaN : sum / w.total;
}

/** Sample variance (n - 1 in the denominator). */
export function variance(w: WeightedValues): number {
  if (w.total < 2) return 0;
  const m = mean(w);
  let sum = 0;
  for (let i = 0; i < w.values.length; i++) sum += w.counts[i]! * (w.values[i]! - m) ** 2;
  return sum / (w.total - 1);
}
