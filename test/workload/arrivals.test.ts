// Arrival schedules: goodness of fit for Poisson, burstiness for gamma, determinism, constant spacing, ramp-up shape.
import { describe, expect, it } from 'vitest';
import { arrivalSchedule, ARRIVAL_KIND_NAMES, arrivalProcess } from '../../src/workload/arrivals.js';

const gapsOf = (offsets: Float64Array) => Array.from(offsets.subarray(1), (t, i) => t - offsets[i]!);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cv = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length) / m;
};

/** One-sample Kolmogorov-Smirnov statistic against a CDF. */
function ksStatistic(samples: number[], cdf: (x: number) => number): number {
  const sorted = samples.slice().sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs((i + 1) / sorted.length - f));
  });
  return d;
}

describe('Poisson arrivals', () => {
  it('inter-arrival times pass a Kolmogorov-Smirnov test for the exponential distribution at the asked rate', () => {
    // 20 req/s: mean gap 50 ms. The CDF is fixed in advance (not fitted), so the plain KS critical value applies:
    // at alpha = 0.01, D < 1.628 / sqrt(n). A seeded generator makes the test deterministic, not lucky.
    for (const seed of [1, 2, 3]) {
      const gaps = gapsOf(arrivalSchedule({ kind: 'poisson', ratePerS: 20, count: 4001, durationMs: Infinity, seed }));
      const d = ksStatistic(gaps, (x) => 1 - Math.exp(-x / 50));
      expect(d).toBeLessThan(1.628 / Math.sqrt(gaps.length));
    }
  });

  it('the test has power: constant gaps and a wrong rate both fail it', () => {
    const constantGaps = gapsOf(arrivalSchedule({ kind: 'constant', ratePerS: 20, count: 4001, durationMs: Infinity, seed: 1 }));
    expect(ksStatistic(constantGaps, (x) => 1 - Math.exp(-x / 50))).toBeGreaterThan(0.2);
    const fasterGaps = gapsOf(arrivalSchedule({ kind: 'poisson', ratePerS: 25, count: 4001, durationMs: Infinity, seed: 1 }));
    expect(ksStatistic(fasterGaps, (x) => 1 - Math.exp(-x / 50))).toBeGreaterThan(1.628 / Math.sqrt(4000));
  });

  it('the same seed gives the same schedule; another seed, another one', () => {
    const make = (seed: number) => arrivalSchedule({ kind: 'poisson', ratePerS: 10, count: 500, durationMs: Infinity, seed });
    expect(make(42)).toEqual(make(42));
    expect(make(43)).not.toEqual(make(42));
    expect(make(42)[0]).toBe(0);
  });
});

describe('gamma and constant arrivals', () => {
  it('gamma with burstiness < 1 is burstier than Poisson (higher CV), > 1 more even, and keeps the mean rate', () => {
    const gaps = (kind: 'poisson' | 'gamma', burstiness: number) =>
      gapsOf(arrivalSchedule({ kind, ratePerS: 10, count: 20001, durationMs: Infinity, seed: 9, burstiness }));
    const poisson = gaps('poisson', 1);
    const bursty = gaps('gamma', 0.25);
    const even = gaps('gamma', 4);
    // Theory: CV = 1 / sqrt(K): 2 for K = 0.25, 1 for Poisson, 0.5 for K = 4.
    expect(cv(bursty)).toBeGreaterThan(cv(poisson) * 1.5);
    expect(Math.abs(cv(bursty) - 2) / 2).toBeLessThan(0.1);
    expect(Math.abs(cv(even) - 0.5) / 0.5).toBeLessThan(0.05);
    // 20,000 gaps: the mean's standard error is CV / sqrt(n), at most 1.4% here.
    for (const g of [poisson, bursty, even]) expect(Math.abs(mean(g) - 100) / 100).toBeLessThan(0.05);
  });

  it('constant arrivals are exactly 1/rate apart', () => {
    const offsets = arrivalSchedule({ kind: 'constant', ratePerS: 4, count: 9, durationMs: Infinity, seed: 0 });
    expect(Array.from(offsets)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
  });

  it('kinds are looked up by name; unknown kinds and bad burstiness are usage errors', () => {
    expect(ARRIVAL_KIND_NAMES).toEqual(['poisson', 'constant', 'gamma']);
    expect(arrivalProcess('gamma', 2).name).toBe('gamma');
    expect(() => arrivalProcess('uniform')).toThrow('--arrival uniform: must be one of poisson, constant, gamma');
    expect(() => arrivalProcess('gamma', 0)).toThrow('--burstiness');
  });
});

describe('bounds and ramp-up', () => {
  it('stops at the duration or the count, whichever comes first', () => {
    const byDuration = arrivalSchedule({ kind: 'poisson', ratePerS: 50, count: Infinity, durationMs: 2000, seed: 1 });
    expect(byDuration[byDuration.length - 1]).toBeLessThanOrEqual(2000);
    expect(byDuration.length).toBeGreaterThan(70); // 100 expected, sd 10
    expect(byDuration.length).toBeLessThan(130);
    expect(arrivalSchedule({ kind: 'poisson', ratePerS: 50, count: 10, durationMs: 2000, seed: 1 }).length).toBe(10);
  });

  it('a linear ramp: arrivals per window grow with the rate, then hold at the full rate', () => {
    // Constant arrivals make the shape exact: rate(t) = R t / T during the ramp, so Λ(t) = R t² / 2T.
    const offsets = arrivalSchedule({ kind: 'constant', ratePerS: 100, count: Infinity, durationMs: 20_000, seed: 0, rampUpMs: 10_000 });
    const inWindow = (from: number, to: number) => Array.from(offsets).filter((t) => t >= from && t < to).length;
    // Expected counts with R = 100/s, T = 10 s: Λ(5 s) = 125, Λ(10 s) = 500, then 500 per 5 s at the full rate.
    expect(Math.abs(inWindow(0, 5000) - 125)).toBeLessThanOrEqual(1);
    expect(Math.abs(inWindow(5000, 10_000) - 375)).toBeLessThanOrEqual(1);
    expect(Math.abs(inWindow(10_000, 15_000) - 500)).toBeLessThanOrEqual(1);
    expect(Math.abs(inWindow(15_000, 20_000) - 500)).toBeLessThanOrEqual(1);
    // Poisson under the same ramp: the same expected counts, with Poisson noise (sd = sqrt(mean)).
    const poisson = arrivalSchedule({ kind: 'poisson', ratePerS: 100, count: Infinity, durationMs: 10_000, seed: 3, rampUpMs: 10_000 });
    const early = Array.from(poisson).filter((t) => t < 5000).length;
    expect(Math.abs(early - 125)).toBeLessThan(5 * Math.sqrt(125));
    expect(Math.abs(poisson.length - 500)).toBeLessThan(5 * Math.sqrt(500));
  });
});
