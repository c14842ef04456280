// The sustained/stable verdict on a stage, from per-request records shaped as a queueing server produces them.
import { describe, expect, it } from 'vitest';
import { achievedRate, judgeStage, peakInFlight, stageTrend } from '../../src/capacity/sustain.js';
import type { RequestRecord, Summary } from '../../src/metrics/schema.js';
import { seededRandom } from '../../src/util/random.js';

/**
 * Simulates an open loop of Poisson arrivals at `rate` for `seconds` into a FIFO server of `slots` slots, each
 * request holding one for `serviceMs` (TTFT = queue wait + ttftMs): the records a client would write.
 */
function openLoop(rate: number, seconds: number, slots: number, serviceMs: number, ttftMs = 50, seed = 1): RequestRecord[] {
  const random = seededRandom(seed);
  const free: number[] = new Array(slots).fill(0);
  const records: RequestRecord[] = [];
  for (let t = 0, i = 0; t < seconds * 1000; t += (-Math.log(1 - random()) / rate) * 1000, i++) {
    free.sort((a, b) => a - b);
    const admitted = Math.max(t, free[0]!);
    free[0] = admitted + serviceMs;
    const wait = admitted - t;
    records.push({
      index: i, start_ms: t, intended_ms: t, queue_ms: 0, ttft_ms: wait + ttftMs, latency_ms: wait + serviceMs,
      input_tokens: 10, output_tokens: 10, reasoning_tokens: 0, packages: 10, status: 200, ok: true, error: null, reconnected: false,
    });
  }
  return records;
}

const summaryOf = (records: RequestRecord[]): Summary => {
  const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(0.99 * (values.length - 1))]!;
  return {
    succeeded: records.length,
    queue_ms: { p99: p99(records.map((r) => r.queue_ms)) },
    ttft_ms: { p99: p99(records.map((r) => r.ttft_ms!)) },
  } as unknown as Summary;
};

describe('judgeStage', () => {
  // 64 slots of 742 ms: the default simulator's maximum, 86.25 requests/s.
  const max = (64 * 1000) / 742;

  it('a load well below the maximum is sustained: achieved = offered, no trend', () => {
    const records = openLoop(0.85 * max, 10, 64, 742);
    const verdict = judgeStage('rate', summaryOf(records), records);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.achieved_rate! / verdict.offered_rate!).toBeGreaterThan(0.95);
    expect(verdict.trend!.growing).toBe(false);
    expect(verdict.trend!.inconclusive).toBe(false); // 850 requests rule a backlog out
  });

  it('a load just above the maximum is not: the backlog grows though every latency is still small', () => {
    const records = openLoop(1.04 * max, 10, 64, 742, 50, 3);
    const verdict = judgeStage('rate', summaryOf(records), records);
    expect(verdict.trend!.growing).toBe(true);
    expect(verdict.trend!.last_third_ms).toBeGreaterThan(verdict.trend!.first_third_ms);
    expect(verdict.trend!.slope_interval[0]).toBeGreaterThan(0);
    expect(verdict.reasons.join(' ')).toMatch(/TTFT grew/);
  });

  it('far above the maximum, the achieved rate is the server maximum, more than 5% below the offered rate', () => {
    const records = openLoop(1.5 * max, 10, 64, 742);
    const achieved = achievedRate(records)!;
    expect(Math.abs(achieved - max) / max).toBeLessThan(0.05);
    const verdict = judgeStage('rate', summaryOf(records), records);
    expect(verdict.reasons.join(' ')).toMatch(/more than 5% below the offered/);
  });

  it('client queueing counts only when the in-flight cap was reached', () => {
    const records = openLoop(20, 5, 64, 200).map((r, i) => ({ ...r, queue_ms: i % 10 === 0 ? 30 : 0 }));
    const peak = peakInFlight(records);
    // Timer lag of a busy client (cap never reached): no verdict against the server.
    expect(judgeStage('rate', summaryOf(records), records, 0, peak + 1).reasons).toEqual([]);
    // The cap reached and requests held back: not sustained, and the message says what to raise.
    expect(judgeStage('rate', summaryOf(records), records, 0, peak).reasons.join(' ')).toMatch(/in-flight cap \(\d+\) held requests back/);
  });

  it('few requests with noisy TTFTs can neither show nor rule out a backlog: inconclusive, not growing', () => {
    const random = seededRandom(5);
    const records = openLoop(4, 10, 64, 300).map((r) => ({ ...r, ttft_ms: 50 + 150 * random() }));
    const trend = stageTrend(records)!;
    expect(trend.growing).toBe(false);
    expect(trend.inconclusive).toBe(true);
  });

  it('noise alone is no trend: a flat stage with random TTFTs is stable', () => {
    const random = seededRandom(9);
    const records = openLoop(30, 10, 64, 300).map((r) => ({ ...r, ttft_ms: 50 + 40 * random() }));
    expect(stageTrend(records)!.growing).toBe(false);
  });

  it('closed-loop stages record their trend but are always sustained: a closed loop cannot build a backlog', () => {
    const records = openLoop(1.5 * max, 10, 64, 742);
    const verdict = judgeStage('concurrency', summaryOf(records), records);
    expect(verdict.offered_rate).toBeNull();
    expect(verdict.trend!.growing).toBe(true);
    expect(verdict.reasons).toEqual([]);
  });
});
