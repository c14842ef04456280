// Seeded pseudo-random numbers (mulberry32) so bootstrap intervals are reproducible run to run.

/** Returns a generator of uniform numbers in [0, 1) fully determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** numpy's default (linear) percentile of an already sorted array; `pct` in 0..100. */
export function percentileSorted(sorted: readonly number[], pct: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = ((sorted.length - 1) * pct) / 100;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const fraction = position - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * fraction;
}
