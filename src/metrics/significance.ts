// Is a latency change larger than run-to-run noise? A rank test for the whole distribution, bootstrap intervals per statistic.
import { seededRandom } from '../util/random.js';
import { mean, quantile, variance, type WeightedValues } from './histogram-values.js';

/** Seeded, so the same two runs always give the same verdict. */
export { seededRandom };

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) for shape >= 1 (Marsaglia and Tsang). */
function gamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface RankTest {
  /** Mann-Whitney U of the second sample over the first. */
  u: number;
  z: number;
  /** Two-sided p-value (normal approximation with tie and continuity correction). */
  p_value: number;
  /** P(new > base) + P(new = base) / 2: 0.5 means no shift. */
  prob_new_greater: number;
}

/**
 * Mann-Whitney U test between two multisets. Histogram buckets are simply tied values, so the same code
 * serves per-request samples and histograms.
 */
export function mannWhitney(base: WeightedValues, next: WeightedValues): RankTest {
  const nA = base.total;
  const nB = next.total;
  if (nA === 0 || nB === 0) return { u: NaN, z: NaN, p_value: NaN, prob_new_greater: NaN };
  let i = 0;
  let j = 0;
  let rankBelow = 0;
  let rankSumNew = 0;
  let tieTerm = 0;
  while (i < base.values.length || j < next.values.length) {
    const va = i < base.values.length ? base.values[i]! : Infinity;
    const vb = j < next.values.length ? next.values[j]! : Infinity;
    const v = Math.min(va, vb);
    const countA = va === v ? base.counts[i++]! : 0;
    const countB = vb === v ? next.counts[j++]! : 0;
    const tied = countA + countB;
    rankSumNew += countB * (rankBelow + (tied + 1) / 2);
    tieTerm += tied ** 3 - tied;
    rankBelow += tied;
  }
  const n = nA + nB;
  const u = rankSumNew - (nB * (nB + 1)) / 2;
  const mu = (nA * nB) / 2;
  const sigma = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const distance = Math.max(0, Math.abs(u - mu) - 0.5);
  const z = sigma > 0 ? (Math.sign(u - mu) * distance) / sigma : 0;
  return { u, z, p_value: sigma > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1, prob_new_greater: u / (nA * nB) };
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * Bootstrap resamples of one quantile. The k-th smallest of n indices drawn uniformly from a sorted
 * multiset is floor(n * U) with U ~ Beta(k, n - k + 1), so each resample costs O(log n), not a sort of n values:
 * the exact percentile bootstrap, cheap even for histograms with millions of counts.
 */
function resampleQuantile(w: WeightedValues, q: number, random: () => number, n = w.total): number {
  const k = Math.min(n, Math.max(1, Math.ceil(q * n)));
  const x = gamma(k, random);
  const y = gamma(n - k + 1, random);
  const rank = Math.min(n - 1, Math.floor((n * x) / (x + y)));
  return quantile(w, (rank + 1) / n);
}

export interface BootstrapOptions {
  resamples?: number;
  /**
   * Independent observations behind each side, when fewer than the values: the gaps between chunks of
   * one request move together, so pooled ITL from 100 requests carries about 100 observations, not 6,000.
   */
  effectiveN?: { base: number; next: number };
  /** Two-sided confidence level, default 0.95. */
  confidence?: number;
  seed?: number;
}

/** Percentile-bootstrap interval for quantile(next) - quantile(base); the runs are independent, so each side resamples alone. */
export function bootstrapQuantileDiff(base: WeightedValues, next: WeightedValues, q: number, options: BootstrapOptions = {}): Interval {
  if (base.total === 0 || next.total === 0) return { low: NaN, high: NaN };
  const resamples = options.resamples ?? 2000;
  const alpha = 1 - (options.confidence ?? 0.95);
  const random = seededRandom(options.seed ?? 1);
  const diffs = new Float64Array(resamples);
  const nBase = Math.min(base.total, options.effectiveN?.base ?? base.total);
  const nNext = Math.min(next.total, options.effectiveN?.next ?? next.total);
  for (let r = 0; r < resamples; r++) diffs[r] = resampleQuantile(next, q, random, nNext) - resampleQuantile(base, q, random, nBase);
  diffs.sort();
  const at = (p: number) => diffs[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  return { low: at(alpha / 2), high: at(1 - alpha / 2) };
}

/** Welch interval for mean(next) - mean(base) (normal approximation; the bootstrap of a mean converges to it). */
export function meanDiffInterval(base: WeightedValues, next: WeightedValues, confidence = 0.95, effectiveN?: { base: number; next: number }): Interval {
  if (base.total === 0 || next.total === 0) return { low: NaN, high: NaN };
  const diff = mean(next) - mean(base);
  const nBase = Math.min(base.total, effectiveN?.base ?? base.total);
  const nNext = Math.min(next.total, effectiveN?.next ?? next.total);
  const se = Math.sqrt(variance(base) / nBase + variance(next) / nNext);
  const z = inverseNormal(1 - (1 - confidence) / 2);
  return { low: diff - z * se, high: diff + z * se };
}

/** Inverse standard normal CDF by bisection (called rarely; exact enough for interval widths). */
export function inverseNormal(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
