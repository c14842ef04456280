// The client-saturation detector: quiet runs pass, a client that blocks its own loop is named as the bottleneck.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { startClientLoadMonitor } from '../../src/engine/client-load.js';
import { buildResult } from '../../src/engine/result.js';
import { LoadRun, type RunOutcome } from '../../src/engine/run.js';
import { clientHealth } from '../../src/engine/saturation.js';
import { startMockInWorker, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const outcome = (over: Partial<RunOutcome>): RunOutcome =>
  ({ scheduleLagUs: null, eventLoopDelayMs: { p50: 0.1, p99: 0.5, max: 2 }, eventLoopUtilization: 0.2, ...over }) as RunOutcome;

const busyWait = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the client is busy: nothing else runs on this thread
  }
};

describe('clientHealth', () => {
  it('says nothing about a client with spare time', () => {
    const health = clientHealth(outcome({}), 50, 4);
    expect(health.saturated).toBe(false);
    expect(health.message).toBeNull();
    expect(health.event_loop_utilization).toBe(0.2);
  });

  it('names the client as the bottleneck, by how much, and suggests --workers while cores are free', () => {
    const health = clientHealth(outcome({ eventLoopDelayMs: { p50: 3, p99: 30, max: 60 }, eventLoopUtilization: 0.98 }), 60, 4);
    expect(health.saturated).toBe(true);
    expect(health.message).toMatch(/the client was the bottleneck/);
    expect(health.message).toMatch(/98%/);
    expect(health.message).toMatch(/50% of TTFT p50 60\.0 ms/);
    expect(health.message).toMatch(/--workers 2 \(4 cores here\)/);
  });

  it('suggests more machines once every core runs an engine thread', () => {
    const health = clientHealth(outcome({ eventLoopDelayMs: { p50: 3, p99: 25, max: 60 }, eventLoopUtilization: 0.99, workers: 4 }), 60, 4);
    expect(health.saturated).toBe(true);
    expect(health.message).toMatch(/more machines/);
  });

  it('blames other processes, not the load, when the loop was late but had little work of its own', () => {
    const health = clientHealth(outcome({ eventLoopDelayMs: { p50: 2, p99: 30, max: 80 }, eventLoopUtilization: 0.15 }), 50, 4);
    expect(health.saturated).toBe(true);
    expect(health.message).toMatch(/only 15% of its thread/);
    expect(health.message).toMatch(/other work on this machine/);
    expect(health.message).not.toMatch(/rerun with --workers/);
  });

  it('advises --workers only when the machine left a core free, and no more threads than free cores', () => {
    const late = { eventLoopDelayMs: { p50: 3, p99: 30, max: 60 }, eventLoopUtilization: 0.98 };
    const busyMachine = clientHealth(outcome({ ...late, freeCores: 0.3 }), 60, 2);
    expect(busyMachine.saturated).toBe(true);
    expect(busyMachine.free_cores).toBe(0.3);
    expect(busyMachine.message).toMatch(/no core was free for another engine thread \(0\.30 of 2 cores idle/);
    expect(busyMachine.message).not.toMatch(/--workers/);
    const oneFree = clientHealth(outcome({ ...late, freeCores: 1.2, workers: 2 }), 60, 8);
    expect(oneFree.message).toMatch(/--workers 3 \(8 cores here, 1\.20 idle on average\)/);
    const manyFree = clientHealth(outcome({ ...late, freeCores: 2.6 }), 60, 4);
    expect(manyFree.message).toMatch(/--workers 2 \(4 cores here, 2\.60 idle on average\)/);
  });

  it('compares the client delay with latency, not TTFT, when told to (embeddings have no tokens)', () => {
    const health = clientHealth(outcome({ eventLoopDelayMs: { p50: 3, p99: 30, max: 60 }, eventLoopUtilization: 0.98 }), { name: 'latency', p50Ms: 120 }, 4);
    expect(health.message).toMatch(/25% of latency p50 120\.0 ms/);
    expect(health.message).not.toMatch(/TTFT/);
  });

  it('notes a busy client that kept its timing as near saturation, not as the bottleneck', () => {
    const health = clientHealth(outcome({ eventLoopUtilization: 0.85 }), 50, 4);
    expect(health.saturated).toBe(false);
    expect(health.message).toMatch(/near saturation/);
  });
});

describe('measuring the client thread', () => {
  it('sees a blocked loop as delay and utilisation', async () => {
    const monitor = startClientLoadMonitor();
    // Block the loop for 60 ms three times, with timers due in between (bounded: about 0.2 s).
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      busyWait(60);
    }
    const load = monitor.stop();
    expect(load.eventLoopDelayMs.max).toBeGreaterThan(30);
    expect(load.eventLoopUtilization).toBeGreaterThan(0.5);
  });

  it('measures the cores the machine left idle: a core this thread keeps busy is never counted free', () => {
    const cores = availableParallelism();
    const monitor = startClientLoadMonitor();
    busyWait(700);
    const { freeCores } = monitor.stop();
    expect(freeCores).not.toBeNull();
    expect(freeCores!).toBeGreaterThanOrEqual(0);
    // This thread held one core for the whole window (the kernel's counters tick in 10 ms steps: some slack).
    expect(freeCores!).toBeLessThanOrEqual(cores - 0.8);
    // Too short a window to judge by says nothing rather than something wrong.
    const short = startClientLoadMonitor();
    expect(short.stop().freeCores).toBeNull();
  });

  it('flags a run whose client blocks its own event loop', async () => {
    const server = await startMockInWorker({ port: 0, ttftMs: 5, itlMs: 2, outputTokens: 8, contention: 0 });
    servers.push(server);
    const config = testConfig(server.url, { concurrency: 4, requests: 24 });
    // A hook that blocks 40 ms per finished request: the client, not the server, is then the slow side.
    const run = new LoadRun(config, { onRecord: () => busyWait(40) });
    const result = buildResult(config, await run.run(), { startedAt: new Date(), endedAt: new Date(), simulated: true });
    expect(result.summary.succeeded).toBe(24);
    expect(result.client.saturated).toBe(true);
    expect(result.client.message).toMatch(/bottleneck/);
    expect(result.client.event_loop_delay_ms!.p99).toBeGreaterThan(20);
  });
});
