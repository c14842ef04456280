// One measured point in a fresh process (so peak RSS and JIT state belong to it alone); prints one JSON line.
// Usage: node bench/point.js '{"client":"floor"|"undici"|"undici-clients"|"llmperf","port":P,"tokens":N,"concurrency":C,"durationMs":D,"warmupMs":W,"workers":1}'
import { performance } from 'node:perf_hooks';
import { runFloor } from './floor-client.js';
import { runLlmperf } from './llmperf-client.js';
import { runUndici } from './undici-client.js';
import { eventsPerResponse } from './sse-body.js';

const args = JSON.parse(process.argv[2]);
const host = '127.0.0.1';
const path = `/e${args.tokens}/v1/chat/completions`;
const body = JSON.stringify({
  model: 'llmperf-bench',
  messages: [{ role: 'user', content: 'Write one short sentence about load testing.' }],
  stream: true,
  stream_options: { include_usage: true },
});

/** One run; returns counts and the CPU and wall time of the run itself. */
async function once(durationMs) {
  if (args.client === 'floor' || args.client === 'undici' || args.client === 'undici-clients') {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const options = { host, port: args.port, path, body, concurrency: args.concurrency, durationMs };
    const r = args.client === 'floor' ? await runFloor(options) : await runUndici({ ...options, pool: args.client === 'undici' ? 'agent' : 'clients' });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ...r, packages: null, wallMs, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, summaryMs: 0, client: null };
  }
  const run = await runLlmperf({
    baseUrl: `http://${host}:${args.port}/e${args.tokens}`,
    concurrency: args.concurrency,
    durationMs,
    workers: args.workers ?? 1,
    live: args.live === true,
    noLog: args.noLog === true,
    thread: args.thread === true,
  });
  const s = run.result.summary;
  return {
    responses: s.succeeded,
    // The engine counts content packages; every response also carried a usage event and [DONE].
    events: s.succeeded * eventsPerResponse(args.tokens),
    packages: Math.round(s.succeeded * s.packages_per_request),
    errors: s.failed,
    wallMs: run.wallMs,
    cpuUserUs: run.cpuUserUs,
    cpuSystemUs: run.cpuSystemUs,
    summaryMs: run.summaryMs,
    client: run.result.client,
  };
}

await once(args.warmupMs); // JIT warm-up and first connections, not measured
const r = await once(args.durationMs);
const cpuUs = r.cpuUserUs + r.cpuSystemUs;
const expectedEvents = r.responses * eventsPerResponse(args.tokens);
const out = {
  client: args.client,
  workers: args.workers ?? 1,
  live: args.live === true,
  thread: args.thread === true,
  concurrency: args.concurrency,
  tokens: args.tokens,
  responses: r.responses,
  events: r.events,
  errors: r.errors,
  // Both clients must have seen every event of every response they counted (the bench checks what it measures).
  eventsOk: r.events === expectedEvents && r.errors === 0 && (r.packages === null || r.packages === r.responses * args.tokens),
  wallS: r.wallMs / 1000,
  eventsPerS: r.events / (r.wallMs / 1000),
  cpuUsPerEvent: r.events > 0 ? cpuUs / r.events : null,
  cpuUserUs: r.cpuUserUs,
  cpuSystemUs: r.cpuSystemUs,
  summaryMs: r.summaryMs,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  clientHealth: r.client,
};
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
