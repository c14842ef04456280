// Rank test and bootstrap intervals on synthetic samples whose true difference is known.
import { describe, expect, it } from 'vitest';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';
import { quantile, weightedFromHistogram, weightedFromSamples } from '../../src/metrics/histogram-values.js';
import { bootstrapQuantileDiff, mannWhitney, meanDiffInterval, normalCdf, seededRandom } from '../../src/metrics/significance.js';

/** Gamma-ish latency samples (sum of exponentials) with a shift, from a seeded generator. */
function latencies(n: number, seed: number, shiftMs = 0): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => shiftMs + 100 - 10 * Math.log(1 - random()) - 10 * Math.log(1 - random()));
}

describe('mannWhitney', () => {
  it('computes U exactly, ties included (checked by counting pairs)', () => {
    const base = [1, 2, 2, 3, 5, 8];
    const next = [2, 3, 3, 4, 9];
    let pairs = 0;
    for (const b of next) for (const a of base) pairs += b > a ? 1 : b === a ? 0.5 : 0;
    const test = mannWhitney(weightedFromSamples(base), weightedFromSamples(next));
    expect(test.u).toBe(pairs);
    expect(test.prob_new_greater).toBeCloseTo(pairs / 30, 12);
  });

  it('finds a 10 ms shift in 300 samples', () => {
    const shifted = mannWhitney(weightedFromSamples(latencies(300, 1)), weightedFromSamples(latencies(300, 2, 10)));
    expect(shifted.p_value).toBeLessThan(1e-6);
    expect(shifted.prob_new_greater).toBeGreaterThan(0.6);
  });

  it('is calibrated: between draws of one distribution, p < 0.05 about 5% of the time', () => {
    let rejected = 0;
    for (let pair = 0; pair < 200; pair++) {
      if (mannWhitney(weightedFromSamples(latencies(100, 1000 + pair)), weightedFromSamples(latencies(100, 2000 + pair))).p_value < 0.05) rejected++;
    }
    // Expect ~10 of 200; the bounds sit beyond 3 binomial standard deviations (sd ~3.1).
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(20);
  });

  it('gives the same answer from histograms as from the samples they hold (0.1% buckets)', () => {
    const a = latencies(400, 5);
    const b = latencies(400, 6, 4);
    const toHist = (values: number[]) => {
      const h = createHistogram();
      for (const v of values) recordUs(h, v * 1000);
      return weightedFromHistogram(h);
    };
    const fromSamples = mannWhitney(weightedFromSamples(a), weightedFromSamples(b));
    const fromHist = mannWhitney(toHist(a), toHist(b));
    expect(fromHist.prob_new_greater).toBeCloseTo(fromSamples.prob_new_greater, 2);
    expect(Math.abs(fromHist.z - fromSamples.z)).toBeLessThan(0.1);
  });

  it('has a normal CDF accurate to 1e-6 at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 6);
  });
});

describe('bootstrapQuantileDiff', () => {
  it('matches a brute-force bootstrap (resample and sort) of a quantile', () => {
    // Values equal to their ranks make interval endpoints read as ranks.
    const data = Array.from({ length: 40 }, (_, i) => i);
    const zero = weightedFromSamples([0]);
    const fast = bootstrapQuantileDiff(zero, weightedFromSamples(data), 0.9, { resamples: 20000, seed: 3 });
    const random = seededRandom(11);
    const brute: number[] = [];
    for (let r = 0; r < 20000; r++) {
      const resample = Array.from({ length: 40 }, () => data[Math.floor(random() * 40)]!).sort((a, b) => a - b);
      brute.push(resample[Math.ceil(0.9 * 40) - 1]!);
    }
    brute.sort((a, b) => a - b);
    // Monte Carlo error on a 2.5% tail of 20000 draws is well under one rank.
    expect(Math.abs(fast.low - brute[Math.floor(0.025 * 20000)]!)).toBeLessThanOrEqual(1);
    expect(Math.abs(fast.high - brute[Math.floor(0.975 * 20000)]!)).toBeLessThanOrEqual(1);
  });

  it('brackets a known 15 ms shift of the median and p90 and excludes zero', () => {
    const base = weightedFromSamples(latencies(500, 21));
    const next = weightedFromSamples(latencies(500, 22, 15));
    for (const q of [0.5, 0.9]) {
      const interval = bootstrapQuantileDiff(base, next, q);
      expect(interval.low).toBeGreaterThan(0);
      expect(interval.low).toBeLessThan(15);
      expect(interval.high).toBeGreaterThan(15);
    }
  });

  it('covers zero for two draws of the same distribution, at the 95% level over many pairs', () => {
    let covered = 0;
    for (let pair = 0; pair < 40; pair++) {
      const interval = bootstrapQuantileDiff(weightedFromSamples(latencies(200, 100 + pair)), weightedFromSamples(latencies(200, 200 + pair)), 0.5, { resamples: 1000, seed: pair });
      if (interval.low <= 0 && interval.high >= 0) covered++;
    }
    // Expect ~38 of 40; below 34 would mean intervals far too narrow (binomial(40, 0.95) < 34 has probability ~0.1%).
    expect(covered).toBeGreaterThanOrEqual(34);
  });

  it('works on histograms with millions of counts without expanding them', () => {
    const a = createHistogram();
    const b = createHistogram();
    a.recordValueWithCount(10_000, 2_400_000);
    a.recordValueWithCount(20_000, 1_600_000);
    b.recordValueWithCount(10_000, 1_000_000);
    b.recordValueWithCount(20_000, 3_000_000);
    const started = performance.now();
    const interval = bootstrapQuantileDiff(weightedFromHistogram(a), weightedFromHistogram(b), 0.5);
    expect(quantile(weightedFromHistogram(b), 0.5)).toBeCloseTo(20, 1);
    expect(interval.low).toBeGreaterThan(9);
    expect(interval.high).toBeLessThan(11);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('meanDiffInterval', () => {
  it('brackets a known shift of the mean', () => {
    const interval = meanDiffInterval(weightedFromSamples(latencies(400, 31)), weightedFromSamples(latencies(400, 32, 5)));
    expect(interval.low).toBeGreaterThan(0);
    expect(interval.low).toBeLessThan(5);
    expect(interval.high).toBeGreaterThan(5);
  });
});
