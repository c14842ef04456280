// Seeded pseudo-random numbers (mulberry32) so bootstrap intervals are reproducible run to run.

export { seededRandom } from '../../util/random.js';

/** numpy's default (linear) percentile of an already sorted array; `pct` in 0..100. */
export function percentileSorted(sorted: readonly number[], pct: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = ((sorted.length - 1) * pct) / 100;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const fraction = position - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * fraction;
}
