// The first wave measured as truly as the rest: per-wave TTFT error of llmperf and the floor client against the server's own send times.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from './fidelity.js';
import { startSimulator } from './processes.js';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const TTFT_MS = 50;

/** The points: n = 4 x concurrency at 16, 64, 256 streams (ITL 10 ms), and 1,024 streams in one wave (ITL 100 ms). */
export const WAVE_POINTS = [
  { concurrency: 16, waves: 4, itlMs: 10 },
  { concurrency: 64, waves: 4, itlMs: 10 },
  { concurrency: 256, waves: 4, itlMs: 10 },
  { concurrency: 1024, waves: 1, itlMs: 100 },
];

function child(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [here('./wave-point.js'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
    proc.stdout.on('data', (d) => (out += d));
    proc.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`wave point ${JSON.stringify(args)} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** The server's TTFT per wave: first token written minus the request's arrival, waves by arrival order. */
function truthWaves(sendTimes, concurrency, waves) {
  const out = Array.from({ length: waves }, () => []);
  [...sendTimes.records]
    .sort((a, b) => a.arrivalEpochMs - b.arrivalEpochMs)
    .forEach((r, rank) => {
      if (r.tokenEpochMs.length > 0) out[Math.min(waves - 1, Math.floor(rank / concurrency))].push(r.tokenEpochMs[0] - r.arrivalEpochMs);
    });
  return out;
}

const round = (x) => Math.round(x * 100) / 100;

/** One simulator per client run (each client meets a cold server, as the other did); returns one row per wave. */
export async function runWaves(points = WAVE_POINTS, tokens = 128, log = () => {}) {
  const rows = [];
  for (const point of points) {
    const errors = {};
    const truths = {};
    let connections = null;
    for (const client of ['floor', 'llmperf']) {
      const sim = await startSimulator({ ttftMs: TTFT_MS, itlMs: point.itlMs, outputTokens: tokens, slots: point.concurrency, contention: 0, recordSendTimes: true, seed: 1 });
      try {
        const measured = await child({ client, url: sim.url, concurrency: point.concurrency, waves: point.waves, tokens });
        const truth = truthWaves(await sim.call('sendTimes'), point.concurrency, point.waves);
        if (client === 'llmperf') connections = measured.connections;
        truths[client] = truth;
        errors[client] = measured.waves.map((values, w) => ({
          p50: round(percentile(values, 50) - percentile(truth[w], 50)),
          p99: round(percentile(values, 99) - percentile(truth[w], 99)),
          responses: values.length,
        }));
      } finally {
        sim.close();
      }
    }
    for (let w = 0; w < point.waves; w++) {
      const l = errors.llmperf[w];
      const f = errors.floor[w];
      // The targets: within the floor's error + 1 ms (p50) and + 3 ms (p99); one wave of 1,024: under 5 and 20 ms.
      const met = point.waves === 1 && point.concurrency >= 1024 ? l.p50 < 5 && l.p99 < 20 : l.p50 <= f.p50 + 1 && l.p99 <= f.p99 + 3;
      const row = {
        concurrency: point.concurrency,
        itlMs: point.itlMs,
        wave: w + 1,
        truthTtftP50: round(percentile(truths.llmperf[w], 50)),
        llmperf: l,
        floor: f,
        met,
        connections: w === 0 ? connections : undefined,
      };
      log(row);
      rows.push(row);
    }
  }
  return rows;
}
