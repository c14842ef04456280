// Seeded pseudo-random numbers, so the same --seed gives the same prompts and the same arrival schedule.

export { seededRandom } from '../util/random.js';

/** An exponential variate with the given mean (inverse transform; never returns Infinity). */
export function exponential(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

/** A standard normal variate (Box-Muller; one of the pair is dropped to keep the generator stateless). */
export function standardNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) is never taken
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A gamma variate with shape `shape` and scale 1 (Marsaglia and Tsang, 2000). Shapes below 1 use
 * gamma(shape + 1) * U^(1/shape), the standard boost, so every shape > 0 works.
 */
export function gammaVariate(random: () => number, shape: number): number {
  if (shape < 1) return gammaVariate(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // Rejection sampling accepts about 95% of draws or more; the bound only guards against a broken generator.
  for (let attempt = 0; attempt < 1000; attempt++) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
  return shape;
}
