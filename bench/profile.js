// Profiles llmperf's engine over the measured window only (after warm-up) and prints the top self-time functions.
// Usage: node bench/profile.js [tokens=16] [concurrency=64] [seconds=4]; writes bench/results/engine.cpuprofile.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { runLlmperf } from './llmperf-client.js';

const [tokens = 16, concurrency = 64, seconds = 4] = process.argv.slice(2).map(Number);
const server = fork(fileURLToPath(new URL('./burst-server.js', import.meta.url)), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port)));
const baseUrl = `http://127.0.0.1:${port}/e${tokens}`;
await runLlmperf({ baseUrl, concurrency, durationMs: 1000 });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const { result } = await runLlmperf({ baseUrl, concurrency, durationMs: seconds * 1000 });
const { profile } = await session.post('Profiler.stop');
server.kill();

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(dir + 'engine.cpuprofile', JSON.stringify(profile));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = byId.get(id).callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
console.log(`${result.summary.succeeded} responses of ${tokens} tokens at concurrency ${concurrency}; top self time:`);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`);

// Inclusive time of the engine's own entry points and undici's, to split per-event from per-request costs.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfById = new Map();
profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const inclusive = new Map();
for (const [id, t] of selfById) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur).callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}
console.log('inclusive:');
for (const [key, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
