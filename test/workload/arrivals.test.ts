// Arrival schedules: goodness of fit for Poisson, burstiness for gamma, determinism, constant spacing, ramp-up shape.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { arrivalSchedule, arrivalStream, ARRIVAL_KIND_NAMES, arrivalProcess, type ScheduleSpec } from '../../src/workload/arrivals.js';
import { shareOfStream, takeShare } from '../../src/engine/workers/share.js';

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

describe('lazy arrivals', () => {
  // SHA-256 of the offsets the eager schedule (before arrivals were drawn lazily) produced for these specs:
  // the lazy stream must give the very same seeded sequence, bit for bit.
  const GOLDEN: Array<[ScheduleSpec, number, string]> = [
    [{ kind: 'poisson', ratePerS: 100, count: 5000, durationMs: Infinity, seed: 1 }, 5000, 'b448b8c3dd56ebc723d1354619cd01050f857ff4662e432c6708dcc5f0d7df67'],
    [{ kind: 'gamma', ratePerS: 37, count: 3000, durationMs: Infinity, seed: 42, burstiness: 0.4, rampUpMs: 20_000 }, 3000, 'e1942967574a188ab162cc5a0db5887ee1acda3a004e651de7e9e2c3db4349e5'],
    [{ kind: 'constant', ratePerS: 4, count: 9, durationMs: Infinity, seed: 0 }, 9, '9914c365daad230afd9b8e044faf507a982d86ca0a777dc71dadf7af6abd01bb'],
    [{ kind: 'poisson', ratePerS: 50, count: Infinity, durationMs: 60_000, seed: 7, rampUpMs: 5_000 }, 2899, '2e26e8fc3f10a9a7c109c1d7bb0a3f1f6ec72ba3a3b7afb29faca283af341db5'],
  ];

  it('draws the same seeded sequence the eager schedule did', () => {
    for (const [spec, length, hash] of GOLDEN) {
      const next = arrivalStream(spec);
      const drawn: number[] = [];
      for (let at = next(); at !== Infinity; at = next()) drawn.push(at);
      const offsets = Float64Array.from(drawn);
      expect(offsets.length).toBe(length);
      expect(createHash('sha256').update(Buffer.from(offsets.buffer)).digest('hex')).toBe(hash);
      expect(arrivalSchedule(spec)).toEqual(offsets);
    }
  });

  it('a worker share of the stream is the same share of the whole schedule', () => {
    const spec: ScheduleSpec = { kind: 'gamma', ratePerS: 30, count: 1001, durationMs: Infinity, seed: 5, burstiness: 2 };
    const whole = arrivalSchedule(spec);
    for (const k of [0, 1, 2]) {
      const next = shareOfStream(arrivalStream(spec), { offset: k, step: 3 });
      const part: number[] = [];
      for (let at = next(); at !== Infinity; at = next()) part.push(at);
      expect(part).toEqual(Array.from(takeShare(whole, { offset: k, step: 3 })));
    }
  });

  it('a billion-request schedule costs nothing until drawn', () => {
    const before = process.memoryUsage().heapUsed;
    const next = arrivalStream({ kind: 'poisson', ratePerS: 100, count: 1e9, durationMs: Infinity, seed: 0 });
    let last = 0;
    for (let i = 0; i < 1_000_000; i++) last = next();
    expect(last).toBeGreaterThan(9_000_000); // a million arrivals at 100/s: about 10,000 s
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024); // an eager 1e9 schedule: 8 GB
  });
});
