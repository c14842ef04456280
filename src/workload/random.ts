// Seeded pseudo-random numbers, so the same --seed gives the same prompts and the same arrival schedule.

/** mulberry32: small, fast, and good enough for workload shaping (not for cryptography). */
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

/** An exponential variate with the given mean (inverse transform; never returns Infinity). */
export function exponential(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean;
}
