// 10,000 concurrent streams against the simulator (its own process): no client errors, memory per in-flight stream.
// Usage: node bench/scale-point.js '{"url": "...", "streams": 10000, "tokens": 8}'; prints one JSON line.
import { performance } from 'node:perf_hooks';
import { LoadRun } from '../dist/engine/index.js';
import { checkFileLimit } from '../dist/engine/fd-limit.js';
import { benchConfig } from './llmperf-client.js';

const args = JSON.parse(process.argv[2]);
checkFileLimit(args.streams, false);
// Warm-up: code paths compiled, and the baseline taken with the engine loaded.
await new LoadRun(benchConfig({ baseUrl: args.url, concurrency: 16, requests: 16, outputTokens: args.tokens })).run();
global.gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));
const before = process.memoryUsage();
const run = new LoadRun(benchConfig({ baseUrl: args.url, concurrency: args.streams, requests: args.streams, outputTokens: args.tokens, timeoutMs: 120_000 }));
let peak = { inFlight: 0, rss: before.rss, heapUsed: before.heapUsed };
// While every stream is open, memory over the baseline is what the streams hold.
const sampler = setInterval(() => {
  const inFlight = run.inFlightCount;
  const m = process.memoryUsage();
  if (inFlight >= peak.inFlight) peak = { inFlight, rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
}, 100);
const t0 = performance.now();
const outcome = await run.run();
clearInterval(sampler);
const streams = Math.max(1, peak.inFlight);
process.stdout.write(
  JSON.stringify({
    streams: args.streams,
    peakInFlight: peak.inFlight,
    succeeded: outcome.totals.succeeded,
    failed: outcome.totals.failed,
    errors: outcome.totals.errors,
    wallS: (performance.now() - t0) / 1000,
    rssPerStreamKb: (peak.rss - before.rss) / streams / 1024,
    heapPerStreamKb: (peak.heapUsed - before.heapUsed) / streams / 1024,
    peakRssMb: peak.rss / 1024 / 1024,
    clientLoop: outcome.eventLoopDelayMs,
    clientUtilization: outcome.eventLoopUtilization,
  }) + '\n',
);
process.exit(0);
