// How long `llmperf --help` takes beyond starting Node: median wall time of N runs of each, interleaved.
// Usage: node bench/cli-startup.js [runs]   (after npm run build)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const cases = { 'node -e 0': ['-e', '0'], 'llmperf --help': [cli, '--help'], 'llmperf --version': [cli, '--version'] };
const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    times[name].push(performance.now() - t0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = median(times['node -e 0']);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`${name.padEnd(18)} median ${m.toFixed(0).padStart(4)} ms${name === 'node -e 0' ? '' : `, ${(m - node).toFixed(0)} ms beyond starting Node`}`);
}
