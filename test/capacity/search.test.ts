// The capacity search and the knee, on curves whose answer is known.
import { describe, expect, it } from 'vitest';
import { findKnee } from '../../src/capacity/knee.js';
import { sweepKnee } from '../../src/capacity/sweep.js';
import type { Summary } from '../../src/metrics/schema.js';
import { replicasFor, searchCapacity, type Probe } from '../../src/capacity/search.js';

const options = { start: 1, precision: 0.1, integer: false, maxLoad: 1e6, deadlineMs: Infinity, closeCallMargin: 0.05 };

describe('searchCapacity', () => {
  it('brackets and bisects to within the asked precision', async () => {
    const truth = 37.3;
    const measured: number[] = [];
    const outcome = await searchCapacity(async (load): Promise<Probe> => {
      measured.push(load);
      return { load, passed: load <= truth, margin: Math.abs(truth - load) / truth };
    }, options);
    expect(outcome.ended).toBe('precision');
    expect(outcome.value).toBeLessThanOrEqual(truth);
    expect(outcome.interval[1]).toBeGreaterThan(truth);
    expect((outcome.interval[1] - outcome.interval[0]) / outcome.interval[0]).toBeLessThanOrEqual(0.1);
    expect(measured.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });

  it('counts each stage at the load it actually offered, so the answer is never a rate that was not applied', async () => {
    const truth = 50;
    // Random arrivals: each stage offers its asked rate give or take up to 8%, seeded per call.
    let call = 0;
    const offeredBy = (load: number) => load * (1 + 0.08 * Math.sin(++call * 12.9898));
    const probes: Array<{ load: number; offered: number; passed: boolean }> = [];
    const outcome = await searchCapacity(async (load): Promise<Probe> => {
      const offered = offeredBy(load);
      const passed = offered <= truth;
      probes.push({ load, offered, passed });
      return { load, passed, margin: 1, offered };
    }, { ...options, precision: 0.05 });
    expect(outcome.value).toBeLessThanOrEqual(truth);
    expect(outcome.value).toBeGreaterThan(truth * 0.95 - 1e-9);
    // The answer is what a passing stage offered, and the bound above it what a failing one offered.
    expect(probes.filter((p) => p.passed).map((p) => p.offered)).toContain(outcome.value);
    expect(probes.filter((p) => !p.passed).map((p) => p.offered)).toContain(outcome.interval[1]);
  });

  it('with whole numbers stops at neighbours', async () => {
    const outcome = await searchCapacity(async (load) => ({ load, passed: load <= 17, margin: 1 }), { ...options, integer: true, precision: 0 });
    expect(outcome.interval).toEqual([17, 18]);
  });

  it('measures a close call twice and needs both to pass', async () => {
    let calls = 0;
    const outcome = await searchCapacity(
      async (load) => {
        calls++;
        // Load 8 passes narrowly the first time, then fails: it must not count as capacity.
        const passed = load < 8 || (load === 8 && calls % 2 === 0 && false);
        return { load, passed: load === 8 ? calls === 4 : passed, margin: load === 8 ? 0.01 : 1 };
      },
      { ...options, integer: true, precision: 0 },
    );
    expect(outcome.value).toBe(7);
  });

  it('stops when the budget runs out, with the interval so far', async () => {
    let clock = 0;
    const outcome = await searchCapacity(async (load) => {
      clock += 10;
      return { load, passed: load <= 1000, margin: 1 };
    }, { ...options, deadlineMs: 35, now: () => clock });
    // 1, 2, 4 and 8 were measured before the clock passed 35; no failing load was found yet.
    expect(outcome.ended).toBe('budget');
    expect(outcome.value).toBe(8);
    expect(outcome.interval).toEqual([8, Infinity]);
  });

  it('reports a start that already fails', async () => {
    const outcome = await searchCapacity(async (load) => ({ load, passed: false, margin: 1 }), options);
    expect(outcome).toMatchObject({ value: 0, interval: [0, 1], ended: 'start-failed' });
  });
});

describe('replicasFor', () => {
  it('divides the target by each replica at (1 - headroom) of capacity, rounding up', () => {
    expect(replicasFor(50, 20, 0.2)).toBe(4); // 50 / 16 = 3.125
    expect(replicasFor(48, 20, 0.2)).toBe(3); // exactly 3
    expect(replicasFor(10, 0, 0.2)).toBe(Infinity);
  });
});

describe('findKnee', () => {
  it('marks the last load before latency grows faster than throughput', () => {
    const points = [
      { load: 1, throughput: 100, latency: 100 },
      { load: 2, throughput: 200, latency: 102 },
      { load: 4, throughput: 390, latency: 110 },
      { load: 8, throughput: 700, latency: 140 },
      { load: 16, throughput: 760, latency: 300 },
      { load: 32, throughput: 770, latency: 600 },
    ];
    expect(findKnee(points)).toBe(8);
  });

  it('is null when the curve never bends', () => {
    expect(findKnee([{ load: 1, throughput: 10, latency: 5 }, { load: 2, throughput: 20, latency: 5 }])).toBeNull();
  });
});

describe('sweepKnee', () => {
  const stage = (load: number, throughput: number, latencyP99: number, notSustained = false) => ({
    load,
    not_sustained: notSustained,
    summary: { output_tokens_per_s: throughput, latency_ms: { p99: latencyP99 } } as unknown as Summary,
  });

  it('is the bend when the stage before it was sustained', () => {
    expect(sweepKnee([stage(2, 200, 100), stage(4, 390, 104), stage(8, 700, 130), stage(16, 760, 300, true)])).toBe(8);
  });

  it('is never a not_sustained stage: the highest sustained load below it instead, or none', () => {
    const curve = [stage(2, 200, 100), stage(4, 390, 104), stage(8, 700, 130, true), stage(16, 760, 300, true)];
    expect(findKnee(curve.map((s) => ({ load: s.load, throughput: s.summary.output_tokens_per_s, latency: s.summary.latency_ms.p99 as number })))).toBe(8);
    expect(sweepKnee(curve)).toBe(4);
    expect(sweepKnee([stage(8, 700, 130, true), stage(16, 760, 300, true)])).toBeNull();
  });
});
