// The engine against the real simulator on loopback: timing fidelity, loop shapes, and the accounting.
import { afterAll, describe, expect, it } from 'vitest';
import { LoadRun, runLoad } from '../../src/engine/run.js';
import { summarizeUs } from '../../src/metrics/histogram.js';
import { buildSummary } from '../../src/metrics/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { poissonSchedule } from '../../src/workload/arrivals.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
async function mock(options: Parameters<typeof startMockServer>[0]): Promise<MockServer> {
  const server = await startMockServer({ port: 0, ...options });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** The simulator's own TTFTs (first token written minus request arrival), the truth a client's TTFT is checked against. */
async function serverTtftsMs(server: MockServer): Promise<number[]> {
  const { records } = await server.sendTimes();
  return records.filter((r) => r.tokenEpochMs.length > 0).map((r) => r.tokenEpochMs[0]! - r.arrivalEpochMs);
}
const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1]!;

describe('timing fidelity', () => {
  // Timing on a busy 2-core machine: the reference is the simulator's record of what it sent in this same run
  // (its own lateness included), and a measurement spoiled by a stall elsewhere is taken again before failing.
  it('reports TTFT, time per package and output tokens as the simulator sent them', { retry: 2 }, async () => {
    const server = await mock({ ttftMs: 100, itlMs: 20, outputTokens: 50, contention: 0, recordSendTimes: true });
    const outcome = await runLoad(testConfig(server.url, { concurrency: 8, requests: 32 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(32);
    expect(summary.output_tokens_per_request).toBe(50);
    expect(summary.packages_per_request).toBe(50);
    expect(summary.token_counts_estimated).toBe(false);
    const truth = await serverTtftsMs(server);
    expect(truth).toHaveLength(32);
    expect(p50(truth)).toBeGreaterThanOrEqual(99.5); // the simulator is never early
    // The client reads a token after the server wrote it (never before), and within loopback plus a
    // scheduling slice: 10 ms still catches a systematic error such as a missed first chunk (+20 ms).
    expect(summary.ttft_ms.p50).toBeGreaterThanOrEqual(p50(truth) - 0.5);
    expect(summary.ttft_ms.p50 - p50(truth)).toBeLessThan(10);
    expect(Math.abs(summary.itl_ms.p50 - 20)).toBeLessThan(3);
    expect(Math.abs(summary.tpot_ms.p50 - 20)).toBeLessThan(3);
    // latency = ttft + 49 gaps
    expect(Math.abs(summary.latency_ms.p50 - (p50(truth) + 49 * 20))).toBeLessThan(40);
  });

  it('reports TTFT equal to latency for non-streaming requests', async () => {
    const server = await mock({ ttftMs: 20, itlMs: 2, outputTokens: 10, contention: 0 });
    const outcome = await runLoad(testConfig(server.url, { stream: false, requests: 8 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(8);
    expect(summary.ttft_ms.p50).toBe(summary.latency_ms.p50);
    expect(summary.output_tokens_per_request).toBe(10);
  });
});

describe('loop shapes', () => {
  it('closed loop keeps exactly N requests in flight, as the simulator counts them', { retry: 2 }, async () => {
    // A long service (200 ms to the first token) so that even a stalled machine sends the first 8 before any ends.
    const server = await mock({ ttftMs: 200, itlMs: 5, outputTokens: 10, recordSendTimes: true });
    const outcome = await runLoad(testConfig(server.url, { concurrency: 8, requests: 48 }));
    const stats = await server.stats();
    expect(outcome.totals.succeeded).toBe(48);
    expect(stats.requests).toBe(48);
    expect(stats.maxInFlight).toBe(8);
    // The reference is the simulator's own record of when each response ended: at every arrival, exactly the
    // arrivals so far minus the responses already ended are in flight, and a closed loop of 8 never lets that
    // pass 8. Until a response ends, nothing stops the client sending: the first 8 arrive back to back.
    const { records } = await server.sendTimes();
    const ends = records.map((r) => r.endEpochMs!).sort((a, b) => a - b);
    const arrivals = records.map((r) => r.arrivalEpochMs).sort((a, b) => a - b);
    const endedBefore = (t: number) => ends.filter((e) => e < t).length;
    arrivals.forEach((t, i) => expect(i + 1 - endedBefore(t)).toBeLessThanOrEqual(8));
    // Most arrivals replace one that just ended: the server sees 8 again (several can end in one timer tick).
    expect(Math.max(...stats.inFlightAtArrival.slice(8))).toBe(8);
    expect(endedBefore(arrivals[7]!)).toBe(0);
    expect(stats.inFlightAtArrival.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('open loop arrives on the seeded Poisson schedule at the asked rate', { retry: 2 }, async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 4 });
    const rate = 40;
    const count = 80;
    const outcome = await runLoad(testConfig(server.url, { ratePerS: rate, requests: count, concurrency: 1000, seed: 7 }));
    expect(outcome.totals.succeeded).toBe(count);
    const arrivals = (await server.stats()).arrivalTimesMs;
    const expected = poissonSchedule(rate, count, Infinity, 7);
    // Align on the median offset, not on the first arrival: the first request also pays for a TCP
    // connect, which would shift every comparison by its handshake time.
    const shifts = arrivals.map((t, i) => t - expected[i]).sort((a, b) => a - b);
    const offsets = arrivals.map((t) => t - shifts[Math.floor(shifts.length / 2)]);
    const errors = offsets.map((t, i) => Math.abs(t - expected[i])).sort((a, b) => a - b);
    // The reference: how late the client's own timers fired in this run (its schedule lag, measured per arrival).
    // Arrivals jitter by that much on a busy machine; a wrong schedule would be off by far more than both.
    const lagP90Ms = summarizeUs(outcome.scheduleLagUs!).p90;
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(5 + lagP90Ms);
    const observedRate = ((count - 1) / (arrivals[count - 1] - arrivals[0])) * 1000;
    const scheduledRate = ((count - 1) / expected[count - 1]) * 1000;
    expect(Math.abs(observedRate - scheduledRate) / scheduledRate).toBeLessThan(0.1);
  });

  it('open loop with a full cap measures the wait, and latency from the intended send time', async () => {
    const server = await mock({ ttftMs: 40, itlMs: 5, outputTokens: 5 });
    const outcome = await runLoad(testConfig(server.url, { ratePerS: 200, requests: 30, concurrency: 2 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(30);
    expect(summary.queue_ms.p90).toBeGreaterThan(50);
    expect(summary.ttft_from_intended_ms!.p90).toBeGreaterThan(summary.ttft_ms.p90 + 40);
    expect((await server.stats()).maxInFlight).toBe(2);
  });

  it('a duration-bounded run stops sending at the deadline', async () => {
    const server = await mock({ ttftMs: 10, itlMs: 2, outputTokens: 5 });
    const started = Date.now();
    const outcome = await runLoad(testConfig(server.url, { requests: null, durationMs: 1000, concurrency: 4 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(outcome.totals.succeeded).toBeGreaterThan(20);
  });

  it('stop() ends a run early and marks it interrupted, cancelling what outlives the grace', async () => {
    const server = await mock({ ttftMs: 10, itlMs: 200, outputTokens: 50 });
    const run = new LoadRun(testConfig(server.url, { requests: 100, concurrency: 4 }));
    setTimeout(() => run.stop(100), 300);
    const outcome = await run.run();
    expect(outcome.interrupted).toBe(true);
    expect(outcome.totals.cancelled).toBe(4);
    expect(outcome.totals.sent).toBe(outcome.totals.succeeded + outcome.totals.failed + outcome.totals.cancelled);
  });
});

describe('keep-alive that the server closes (llama.cpp)', () => {
  it('never turns a closed keep-alive connection into an error', async () => {
    const server = await mock({ ttftMs: 2, itlMs: 1, outputTokens: 5, closeAfterResponse: true });
    const outcome = await runLoad(testConfig(server.url, { requests: 60, concurrency: 4 }));
    expect(outcome.totals.failed).toBe(0);
    expect(outcome.totals.succeeded).toBe(60);
  });
});

describe('a bug in llmperf\'s own end-of-request work', () => {
  it('ends the run with that error instead of hanging it', async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 4 });
    let seen = 0;
    const run = runLoad(testConfig(server.url, { concurrency: 4, requests: 40 }), {
      onRecord: () => {
        seen++;
        if (seen === 3) throw new Error('bookkeeping bug');
      },
    });
    // Before: the throw vanished into undici's callback and the run waited for a request end forever.
    const bounded = new Promise((_, reject) => setTimeout(() => reject(new Error('the run hung')), 20_000).unref());
    await expect(Promise.race([run, bounded])).rejects.toThrow('bookkeeping bug');
    expect(seen).toBeLessThan(40);
  });
});
