// Profiles llmperf's engine over the measured window only (after a warm-up run) and prints where the ticks went.
// Usage: node bench/profile.js [tokens=16] [concurrency=64] [seconds=4] [--port P] [--json]; writes bench/results/engine-<tokens>x<concurrency>.cpuprofile.
// Without --port it starts its own burst server; --json prints one JSON line (what bench/run.js reads).
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { runLlmperf } from './llmperf-client.js';
import { formatProfile, summarizeProfile } from './profile-summary.js';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1] === '--port'));
const [tokens = 16, concurrency = 64, seconds = 4] = positional.map(Number);
const json = argv.includes('--json');
const live = argv.includes('--live'); // with the --metrics-port endpoint, as bench/run.js --only live measures it

let port = option('--port') === null ? null : Number(option('--port'));
let server = null;
if (port === null) {
  server = fork(fileURLToPath(new URL('./burst-server.js', import.meta.url)), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port)));
}
const baseUrl = `http://127.0.0.1:${port}/e${tokens}`;
await runLlmperf({ baseUrl, concurrency, durationMs: 1000 }); // JIT warm-up, not profiled

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
let profile = null;
const { result, cpuUs, wallMs } = await runLlmperf({
  baseUrl,
  concurrency,
  durationMs: seconds * 1000,
  live,
  onRunStart: () => session.post('Profiler.start'),
  onRunEnd: async () => {
    profile = (await session.post('Profiler.stop')).profile;
  },
});
server?.kill();

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}engine-${tokens}x${concurrency}.cpuprofile`, JSON.stringify(profile));
const summary = summarizeProfile(profile, { top: 25 });
const responses = result.summary.succeeded;
// The process's CPU (every thread: V8's garbage-collection helpers too) beside the main thread's profiled busy time.
summary.processCpuMs = Math.round(cpuUs / 1000);
summary.wallMs = Math.round(wallMs);
summary.busyUsPerResponse = Math.round((summary.busyMs * 1000) / responses * 10) / 10;
summary.cpuUsPerResponse = Math.round(cpuUs / responses * 10) / 10;
if (json) {
  process.stdout.write(JSON.stringify({ tokens, concurrency, responses, ...summary }) + '\n');
} else {
  console.log(`process CPU ${summary.processCpuMs} ms (all threads) over ${summary.wallMs} ms; ${summary.cpuUsPerResponse} µs CPU and ${summary.busyUsPerResponse} µs main-thread busy per response`);
  console.log(formatProfile(`${responses} responses of ${tokens} tokens at concurrency ${concurrency}`, summary, { areas: 20, top: 25 }));
  console.log(`profile: bench/results/engine-${tokens}x${concurrency}.cpuprofile (open in Chrome DevTools or speedscope)`);
}
process.exit(0);
