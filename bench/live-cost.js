// The live export's CPU cost: µs per ended request for LiveSession.record (Prometheus + OTLP sinks), and per scrape (`node bench/live-cost.js`, after `npm run build`).
import { performance } from 'node:perf_hooks';
import { LiveSession } from '../dist/live/session.js';
import { toLivePlan } from '../dist/live/options.js';
import { createLiveHistogram } from '../dist/engine/live-histogram.js';
import { recordUs } from '../dist/metrics/histogram.js';

const REQUESTS = Number(process.env.REQUESTS ?? 200_000);
const record = (i) => ({ index: i, start_ms: i, intended_ms: null, queue_ms: 0, ttft_ms: 40 + (i % 50), latency_ms: 400 + (i % 300), input_tokens: 200, output_tokens: 128, reasoning_tokens: 0, packages: 128, status: 200, ok: i % 97 !== 0, error: i % 97 === 0 ? 'http_500' : null, reconnected: false });

async function measure(flags) {
  const session = await LiveSession.open(toLivePlan(flags), { target: 'http://127.0.0.1:1', version: 'bench', model: 'm' });
  const histogram = createLiveHistogram();
  for (let i = 0; i < 100_000; i++) recordUs(histogram, 5000 + (i % 20_000));
  const view = { recorder: { counts: { sent: 0, first_send_epoch_ms: Date.now() }, currentInFlight: 0, liveItl: () => ({ histogram, sameChunkGaps: 0 }) } };
  session.attach(view, '', 'm', 0);
  const records = Array.from({ length: REQUESTS }, (_, i) => record(i));
  for (let i = 0; i < 20_000; i++) session.record(records[i]); // warm the JIT
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const r of records) session.record(r);
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  let scrapeMs = null;
  if (session.url) {
    const s0 = performance.now();
    for (let i = 0; i < 20; i++) await (await fetch(session.url)).text();
    scrapeMs = (performance.now() - s0) / 20;
  }
  await session.close();
  return { perRequestUs: wallUs / REQUESTS, cpuPerRequestUs: (cpu.user + cpu.system) / REQUESTS, scrapeMs };
}

const prom = await measure({ metricsPort: '0', metricsLinger: '0s' });
const both = await measure({ metricsPort: '0', metricsLinger: '0s', otlpEndpoint: 'http://127.0.0.1:9', otlpInterval: '3600s' });
console.log(`requests recorded: ${REQUESTS}`);
console.log(`--metrics-port:                 ${prom.perRequestUs.toFixed(2)} µs/request wall, ${prom.cpuPerRequestUs.toFixed(2)} µs CPU; scrape (ITL walk + exposition) ${prom.scrapeMs.toFixed(2)} ms`);
console.log(`--metrics-port + --otlp-endpoint: ${both.perRequestUs.toFixed(2)} µs/request wall, ${both.cpuPerRequestUs.toFixed(2)} µs CPU`);
