// The engine against the real simulator on loopback: timing fidelity, loop shapes, and the accounting.
import { afterAll, describe, expect, it } from 'vitest';
import { LoadRun, runLoad } from '../../src/engine/run.js';
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

describe('timing fidelity', () => {
  it('reports TTFT, time per package and output tokens as the simulator was configured', async () => {
    const server = await mock({ ttftMs: 100, itlMs: 20, outputTokens: 50, contention: 0 });
    const outcome = await runLoad(testConfig(server.url, { concurrency: 8, requests: 32 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(32);
    expect(summary.output_tokens_per_request).toBe(50);
    expect(summary.packages_per_request).toBe(50);
    expect(summary.token_counts_estimated).toBe(false);
    // The simulator is never early, and its shared timer plus loopback add a few ms; 19 ms covers a
    // loaded 2-core CI machine without letting a systematic error (a missed first chunk: +20 ms) pass.
    expect(summary.ttft_ms.p50).toBeGreaterThanOrEqual(99);
    expect(summary.ttft_ms.p50).toBeLessThan(119);
    expect(Math.abs(summary.itl_ms.p50 - 20)).toBeLessThan(3);
    expect(Math.abs(summary.tpot_ms.p50 - 20)).toBeLessThan(3);
    // latency = ttft + 49 gaps
    expect(Math.abs(summary.latency_ms.p50 - (100 + 49 * 20))).toBeLessThan(40);
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
  it('closed loop keeps exactly N requests in flight, as the simulator counts them', async () => {
    const server = await mock({ ttftMs: 20, itlMs: 5, outputTokens: 10 });
    const outcome = await runLoad(testConfig(server.url, { concurrency: 8, requests: 48 }));
    const stats = await server.stats();
    expect(outcome.totals.succeeded).toBe(48);
    expect(stats.requests).toBe(48);
    expect(stats.maxInFlight).toBe(8);
    // After the first 8, every arrival replaces a finished request: the server sees 8 again, never more.
    // (Not always 8: the simulator's shared timer ends several streams in one tick, and their
    // replacements arrive one by one.)
    const steady = stats.inFlightAtArrival.slice(8);
    expect(Math.max(...steady)).toBe(8);
    expect(stats.inFlightAtArrival.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('open loop arrives on the seeded Poisson schedule at the asked rate', async () => {
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
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(5);
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
