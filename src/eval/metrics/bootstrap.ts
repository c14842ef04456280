// Seeded percentile bootstrap: confidence intervals for scores with no closed-form standard error (BLEU).
import { seededRandom } from '../../workload/random.js';

export interface BootstrapInterval {
  /** Standard deviation of the resampled statistic (the bootstrap standard error). */
  stderr: number;
  low: number;
  high: number;
  resamples: number;
}

/**
 * Resamples item indices with replacement `resamples` times, evaluates `statistic` on each resample,
 * and returns the (1-confidence)/2 and (1+confidence)/2 percentiles. Same seed, same interval.
 * Resamples where the statistic is not finite (undefined there) are dropped; `resamples` counts the kept ones.
 */
export function bootstrap(
  n: number,
  statistic: (indices: readonly number[]) => number,
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (n === 0) return { stderr: 0, low: 0, high: 0, resamples: 0 };
  const random = seededRandom(options.seed ?? 1234);
  const values: number[] = [];
  const indices = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    const value = statistic(indices);
    // NaN: the statistic is undefined on this resample (its items were all left out); it does not count.
    if (Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return { stderr: 0, low: 0, high: 0, resamples: 0 };
  values.sort((a, b) => a - b);
  const mean = values.reduce((acc, v) => acc + v, 0) / values.length;
  const variance = values.reduce((acc, v) => acc + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))]!;
  return { stderr: Math.sqrt(variance), low: at((1 - confidence) / 2), high: at((1 + confidence) / 2), resamples: values.length };
}
