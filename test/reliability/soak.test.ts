// Bounded soak: 60 s at concurrency 256 with 5% mixed faults; memory at the end within 20% of memory after 10 s.
// Skip locally with LLMPERF_SKIP_SOAK=1 (CI runs it).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../../src/engine/request-log.js';
import { LoadRun } from '../../src/engine/run.js';
import { FAULT_KINDS, startMockInWorker, type FaultSpec } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';
import { csvRows, expectExactAccounting, openSockets, settleSockets, tempDir } from './helpers.js';

const DURATION_MS = 60_000;
const FIRST_SAMPLE_MS = 10_000;
const CONCURRENCY = 256;
/** 5% of requests hit a fault, spread evenly over every kind the simulator has. */
const FAULTS: FaultSpec[] = FAULT_KINDS.map((kind) => ({ kind, rate: 0.05 / FAULT_KINDS.length }));
/** Kinds the mixed faults may produce (no-headers: whichever of the two timers fires first). */
const EXPECTED_KINDS = ['stream_cut', 'http_429', 'http_500', 'http_503', 'not_event_stream', 'invalid_json', 'idle_timeout', 'timeout', 'headers_timeout'];

/** A full collection, so the two samples compare live data rather than how much garbage happened to be waiting. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe.skipIf(process.env.LLMPERF_SKIP_SOAK === '1')('soak', () => {
  it('60 s at concurrency 256 with 5% mixed faults: exact accounting, no leak, no hang', async () => {
    const gc = collectGarbage();
    const baselineSockets = openSockets();
    // The simulator in its own thread: its heap is not ours, and its timers do not compete with the client's loop.
    const sim = await startMockInWorker({ port: 0, ttftMs: 100, itlMs: 20, outputTokens: 40, slots: CONCURRENCY, seed: 11, faults: FAULTS });
    const dir = tempDir('llmperf-soak-');
    const log = new RequestLog(join(dir, 'requests.csv'));
    let records = 0;
    try {
      const run = new LoadRun(
        testConfig(sim.url, { concurrency: CONCURRENCY, requests: null, durationMs: DURATION_MS, timeoutMs: 5000, idleTimeoutMs: 2000, prompts: testConfig('').prompts }),
        {
          onRecord: (record) => {
            records++;
            log.append(record);
          },
        },
      );
      const heapSamples: number[] = [];
      const sample = () => {
        gc();
        heapSamples.push(process.memoryUsage().heapUsed);
      };
      const first = setTimeout(sample, FIRST_SAMPLE_MS);
      // "At the end": shortly before the deadline, with the load still at full concurrency like at the first sample.
      const last = setTimeout(sample, DURATION_MS - 2000);
      const started = performance.now();
      const outcome = await run.run();
      clearTimeout(first);
      clearTimeout(last);
      const elapsedMs = performance.now() - started;
      log.close();

      // No hang: the duration, plus at most the longest timeout for the requests in flight at the deadline, plus slack.
      expect(elapsedMs).toBeLessThan(DURATION_MS + 5000 + 10_000);
      const t = outcome.totals;
      expectExactAccounting(t, t.sent);
      expect(t.cancelled).toBe(0);
      expect(records).toBe(t.sent);
      expect(csvRows(join(dir, 'requests.csv'))).toHaveLength(t.sent);
      // It was a real soak: thousands of requests, a few percent of them failed, only with kinds the faults explain.
      expect(t.sent).toBeGreaterThan(5000);
      expect(t.failed / t.sent).toBeGreaterThan(0.01);
      expect(t.failed / t.sent).toBeLessThan(0.08);
      for (const kind of Object.keys(t.errors)) expect(EXPECTED_KINDS).toContain(kind);

      expect(heapSamples).toHaveLength(2);
      const [after10s, atEnd] = heapSamples as [number, number];
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      console.log(`soak: ${t.sent} requests, ${t.failed} failed; heap after 10 s ${mb(after10s)} MB, at the end ${mb(atEnd)} MB`);
      // Growth is what a leak looks like; memory falling after warm-up is fine.
      expect(atEnd).toBeLessThanOrEqual(after10s * 1.2);
    } finally {
      log.close();
      await sim.close();
    }
    expect(await settleSockets(baselineSockets, 5000)).toBe(baselineSockets);
  }, 120_000);
});
