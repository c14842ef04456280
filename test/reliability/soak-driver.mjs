// Soak driver, run by soak.test.ts in its own (niced) process against the built dist/: one long run, then a JSON
// report on stdout. A separate process so the soak's CPU does not skew the timing tests running beside it.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RequestLog } from '../../dist/engine/request-log.js';
import { LoadRun } from '../../dist/engine/run.js';
import { FAULT_KINDS, startMockInWorker } from '../../dist/mock/index.js';
import { syntheticPrompts } from '../../dist/workload/prompts.js';

const { durationMs, firstSampleMs, concurrency, faultShare, dir } = JSON.parse(process.argv[2]);
const faults = FAULT_KINDS.map((kind) => ({ kind, rate: faultShare / FAULT_KINDS.length }));
const sockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;

const baselineSockets = sockets();
// The simulator in its own thread: its heap is not ours, and its timers do not compete with the client's loop.
const sim = await startMockInWorker({ port: 0, ttftMs: 200, itlMs: 50, outputTokens: 30, slots: concurrency, seed: 11, faults });
const log = new RequestLog(join(dir, 'requests.csv'));
let records = 0;
const run = new LoadRun(
  {
    target: { baseUrl: sim.url, model: 'llmperf-sim' },
    api: 'chat',
    stream: true,
    concurrency,
    requests: null,
    durationMs,
    ratePerS: null,
    prompts: syntheticPrompts(64, 32, 1),
    outputTokens: null,
    extraBody: {},
    timeoutMs: 5000,
    idleTimeoutMs: 2000,
    seed: 1,
    warmupRequests: 0,
    rejectUnauthorized: true,
  },
  {
    onRecord: (record) => {
      records++;
      log.append(record);
    },
  },
);
const heapSamples = [];
// A full collection first, so the samples compare live data rather than how much garbage happened to be waiting.
const sample = () => {
  globalThis.gc();
  heapSamples.push(process.memoryUsage().heapUsed);
};
const first = setTimeout(sample, firstSampleMs);
// "At the end": shortly before the deadline, with the load still at full concurrency as at the first sample.
const last = setTimeout(sample, durationMs - 2000);
const started = performance.now();
const outcome = await run.run();
const elapsedMs = performance.now() - started;
clearTimeout(first);
clearTimeout(last);
log.close();
await sim.close();
const deadline = performance.now() + 5000;
while (sockets() > baselineSockets && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write(JSON.stringify({ totals: outcome.totals, records, heapSamples, elapsedMs, baselineSockets, socketsAfter: sockets() }) + '\n');
