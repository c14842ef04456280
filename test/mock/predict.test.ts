// The predictor runs the simulator's exact rules: it matches the closed-form steady state and what a real server sends.
import { afterEach, describe, expect, it } from 'vitest';
import { closedLoopSteadyState, predictClosedLoop, predictOpenLoop, startMockServer, type MockServer } from '../../src/mock/index.js';
import { post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('predictions', () => {
  it('a closed loop settles at the closed-form steady state', () => {
    const config = { ttftMs: 50, itlMs: 10, slots: 8, contention: 0.5 };
    for (const c of [1, 4, 8, 16]) {
      const reqs = predictClosedLoop(config, c, 400, 20);
      const end = Math.max(...reqs.map((r) => r.lastTokenMs));
      const truth = closedLoopSteadyState(config, c, 20);
      // Whole-run throughput includes the first wave's start-up; 400 requests make that small.
      expect((400 * 1000) / end).toBeGreaterThan(truth.requestsPerS * 0.95);
      expect((400 * 1000) / end).toBeLessThan(truth.requestsPerS * 1.05);
      const late = reqs.slice(200);
      const meanTtft = late.reduce((s, r) => s + r.ttftMs, 0) / late.length;
      expect(meanTtft).toBeCloseTo(truth.ttftMs, 0);
    }
  });

  it('queues beyond the slots, FIFO, and releases a slot at the last token', () => {
    const config = { ttftMs: 50, itlMs: 10, slots: 2, contention: 0 };
    const reqs = predictOpenLoop(config, [0, 0, 0, 0, 1000], 10);
    expect(reqs.map((r) => r.ttftMs)).toEqual([50, 50, 190, 190, 50]);
    expect(reqs.map((r) => r.queueMs)).toEqual([0, 0, 140, 140, 0]);
    expect(reqs[0]!.tpotMs).toBe(10);
    expect(reqs[2]!.latencyMs).toBe(280);
  });

  it('matches the token times a real server records for the same arrivals, within the lag it reports', async () => {
    // contention 0: with contention, a late timer can see an arrival that came in meanwhile and pace
    // the next token by one more active sequence than the prediction does (the lag then compounds).
    const config = { ttftMs: 40, itlMs: 10, slots: 2, contention: 0, outputTokens: 8 };
    sim = await startMockServer({ port: 0, ...config, recordSendTimes: true });
    const url = sim.url;
    const body = { messages: [{ role: 'user', content: 'predict me' }], stream: true };
    const wave = () => Promise.all([0, 1, 2].map(() => post(url, '/v1/chat/completions', body)));
    await Promise.all([wave(), new Promise((r) => setTimeout(r, 60)).then(wave)]);
    const { records } = await sim.sendTimes();
    const stats = await sim.stats();
    expect(records).toHaveLength(6);
    const sorted = [...records].sort((a, b) => a.arrivalEpochMs - b.arrivalEpochMs);
    const t0 = sorted[0]!.arrivalEpochMs;
    const predicted = predictOpenLoop(config, sorted.map((r) => r.arrivalEpochMs - t0), 8);
    // Each token is written at its scheduled time plus the lag the simulator measured (never more than
    // 0.25 ms early); the record is taken just after the write, and a loaded machine can deschedule the
    // process in between, hence 10 ms more. A wrong model is off by a token interval per token (10 ms,
    // 70 ms by the last) or a whole service time (110 ms) for queued requests, so this still tells.
    const slackMs = stats.lagMs.max + 10;
    sorted.forEach((rec, i) => {
      expect(rec.tokenEpochMs).toHaveLength(8);
      expect(rec.tokenEpochMs[0]! - t0 - predicted[i]!.firstTokenMs).toBeGreaterThan(-0.5);
      expect(rec.tokenEpochMs[0]! - t0 - predicted[i]!.firstTokenMs).toBeLessThan(slackMs);
      expect(rec.tokenEpochMs[7]! - t0 - predicted[i]!.lastTokenMs).toBeGreaterThan(-0.5);
      expect(rec.tokenEpochMs[7]! - t0 - predicted[i]!.lastTokenMs).toBeLessThan(slackMs);
    });
    expect(predicted.some((p) => p.queueMs > 0)).toBe(true);
  });
});
