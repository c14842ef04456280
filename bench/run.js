// `npm run bench`: llmperf's engine against the floor (node:net) on a burst server, worker scaling, timing fidelity, 10,000 streams.
// Options: --quick (shorter points), --only throughput,workers,live,fidelity,waves,scale, --seconds N (per throughput point),
// --repeat N (rounds of the throughput and live points, interleaved; medians and ranges are printed), --no-pin.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runFidelity, FIDELITY_POINTS } from './fidelity.js';
import { runWaves, WAVE_POINTS } from './waves.js';
import { clientCores, cores, hasTaskset, pin, startBurstServer, startSimulator } from './processes.js';
import { printTables } from './table.js';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const quick = flag('--quick');
const only = new Set(value('--only', 'throughput,workers,live,fidelity,waves,scale').split(','));
const seconds = Number(value('--seconds', quick ? 1.5 : 3));
const repeat = Number(value('--repeat', quick ? 1 : 2));
const pinning = !flag('--no-pin') && hasTaskset && cores >= 2;
const startedAt = Date.now();
// Every part is bounded; this is the backstop for the whole run.
// About 7 minutes on a calm 2-core machine with the default 2 rounds; a busy one takes longer.
const WHOLE_BENCH_LIMIT_MS = 12 * 60_000;
setTimeout(() => {
  console.error('bench: over 12 minutes, stopping');
  process.exit(1);
}, WHOLE_BENCH_LIMIT_MS).unref();

const say = (text) => process.stderr.write(text + '\n');
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
if (pinning) pin(process.pid, clientCores);

/** Runs bench/point.js in a fresh process (clean peak RSS) and returns its JSON line. */
function point(args, coreList = null) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here('./point.js'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (coreList !== null && pinning) pin(child.pid, coreList);
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`point ${JSON.stringify(args)} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** bench/profile.js in a fresh pinned process against the running burst server: its JSON summary, or null. */
function profilePoint(port, tokens, concurrency, secondsEach) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here('./profile.js'), String(tokens), String(concurrency), String(secondsEach), '--port', String(port), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (pinning) pin(child.pid, clientCores);
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve(code === 0 ? JSON.parse(out.trim().split('\n').pop()) : null);
      } catch {
        resolve(null);
      }
    });
  });
}

/** Median and range of repeated measurements. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], values };
}

/** bench/live-cost.js in its own process: µs of CPU per finished request for the live export's record(). */
function liveRecordCost() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here('./live-cost.js')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, REQUESTS: '100000' } });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => {
      clearTimeout(timer);
      const match = /--metrics-port:\s+[\d.]+ µs\/request wall, ([\d.]+) µs CPU/.exec(out);
      resolve(match ? Number(match[1]) : null);
    });
  });
}

const results = {
  machine: {
    cpus: cores,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    pinned: pinning ? { client: clientCores, server: String(cores - 1) } : null,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  startedAt: new Date(startedAt).toISOString(),
};

if (only.has('throughput') || only.has('workers') || only.has('live')) {
  const server = await startBurstServer();
  say(`burst server on port ${server.port}${server.pinned ? ` pinned to core ${cores - 1}` : ''}`);
  try {
    if (only.has('throughput')) {
      // Interleaved rounds (floor, a bare undici dispatch loop, llmperf): on a shared machine one point can be far off,
      // so each client's median run is kept and its range printed.
      results.throughput = [];
      for (const tokens of [16, 256]) {
        for (const concurrency of [64, 1024]) {
          const row = { tokens, concurrency };
          const runs = { floor: [], undici: [], llmperf: [] };
          for (let round = 0; round < repeat; round++) {
            for (const client of Object.keys(runs)) {
              const r = await point({ client, port: server.port, tokens, concurrency, durationMs: seconds * 1000, warmupMs: 800 });
              if (!r.eventsOk) throw new Error(`${client} at ${concurrency} x ${tokens}: event counts do not add up (${JSON.stringify(r)})`);
              runs[client].push(r);
              say(`  ${client.padEnd(7)} c=${concurrency} events/response=${tokens + 2}: ${Math.round(r.eventsPerS)} events/s, ${r.cpuUsPerEvent.toFixed(2)} us/event`);
            }
          }
          for (const [client, list] of Object.entries(runs)) {
            const sorted = [...list].sort((a, b) => a.cpuUsPerEvent - b.cpuUsPerEvent);
            row[client] = { ...sorted[Math.floor(sorted.length / 2)], range: [sorted[0].cpuUsPerEvent, sorted[sorted.length - 1].cpuUsPerEvent] };
          }
          row.ratio = row.llmperf.cpuUsPerEvent / row.floor.cpuUsPerEvent;
          results.throughput.push(row);
        }
      }
      // Where llmperf's ticks go at short responses (the per-request path): a CPU profile of the measured window.
      results.profiles = [];
      for (const concurrency of [64, 1024]) {
        const profile = await profilePoint(server.port, 16, concurrency, quick ? 1.5 : 2);
        if (profile !== null) results.profiles.push(profile);
      }
    }
    if (only.has('live')) {
      // Issue 21: the live endpoint must not cost measurable CPU per event. Same workload with and without
      // --metrics-port (scraped every second by another process), interleaved, `repeat` rounds; medians compared.
      results.live = [];
      for (const tokens of [16, 256]) {
        const runs = { without: [], with: [] };
        for (let round = 0; round < Math.max(2, repeat); round++) {
          for (const live of [false, true]) {
            const r = await point({ client: 'llmperf', port: server.port, tokens, concurrency: 64, durationMs: seconds * 1000, warmupMs: 800, live });
            if (!r.eventsOk) throw new Error(`live=${live} at 64 x ${tokens}: event counts do not add up`);
            runs[live ? 'with' : 'without'].push(r.cpuUsPerEvent);
          }
        }
        const row = { tokens, concurrency: 64, without: spread(runs.without), with: spread(runs.with) };
        row.difference = row.with.median / row.without.median - 1;
        results.live.push(row);
        say(`  live c=64 events/response=${tokens + 2}: ${row.without.median.toFixed(2)} us/event without, ${row.with.median.toFixed(2)} with --metrics-port (${(row.difference * 100).toFixed(1)}%)`);
      }
      results.liveRecordUs = await liveRecordCost();
    }
    if (only.has('workers')) {
      // Marginal CPU per event: (CPU of a long run - CPU of a short run) / (their event difference), so thread
      // start-up and the per-run summary, which are per run and not per event, cancel out.
      results.workers = [];
      const shortMs = quick ? 1000 : 1500;
      const longMs = quick ? 2500 : 4500;
      // Two workers on the client's cores alone isolate the threads' own overhead; on every core they can add
      // throughput, but on a small machine they then share a core with the server.
      // What can be measured on this machine: the engine on the main thread, the same engine in one worker thread
      // (what a worker adds: records and progress crossing threads), 2 and 4 workers sharing the client's core (the
      // threads' own overhead), and 2 workers on every core (sharing one with the server on a 2-core machine).
      const all = `0-${cores - 1}`;
      const layouts = [
        { label: 'main thread', workers: 1, thread: false, coreList: null },
        { label: '1 worker thread', workers: 1, thread: true, coreList: null },
        { label: '2 workers', workers: 2, thread: true, coreList: null },
        { label: '4 workers', workers: 4, thread: true, coreList: null },
        ...(cores >= 2 ? [{ label: '2 workers', workers: 2, thread: true, coreList: all }] : []),
        ...(cores >= 4 ? [{ label: '4 workers', workers: 4, thread: true, coreList: all }] : []),
      ];
      for (const { label, workers, thread, coreList } of layouts) {
        const args = { client: 'llmperf', port: server.port, tokens: 256, concurrency: 256, warmupMs: 500, workers, thread };
        const a = await point({ ...args, durationMs: shortMs }, coreList);
        const b = await point({ ...args, durationMs: longMs }, coreList);
        const cpuUs = (r) => r.cpuUserUs + r.cpuSystemUs;
        const marginal = (cpuUs(b) - cpuUs(a)) / (b.events - a.events);
        results.workers.push({ label, workers, eventsPerS: b.eventsPerS, cpuUsPerEvent: b.cpuUsPerEvent, marginalCpuUsPerEvent: marginal, cores: coreList ?? clientCores });
        say(`  llmperf ${label} on cores ${coreList ?? clientCores}: ${Math.round(b.eventsPerS)} events/s, ${marginal.toFixed(2)} us/event (marginal)`);
      }
      // The model for a machine with a free core per thread: each thread spends what it spent per event on a shared core
      // at most (sharing only adds switching), so N threads deliver N cores / that cost, until the server is the limit.
      const base = results.workers[0].marginalCpuUsPerEvent;
      for (const w of results.workers) {
        w.overhead = w.marginalCpuUsPerEvent / base - 1;
        if (w.cores === clientCores) w.modelledEventsPerS = (w.workers * 1e6) / w.marginalCpuUsPerEvent;
      }
    }
  } finally {
    server.close();
  }
}

if (only.has('fidelity')) {
  say('timing fidelity (paced simulator in its own process, send times recorded):');
  const points = quick ? FIDELITY_POINTS.map((p) => ({ ...p, waves: 2 })).slice(0, 2) : FIDELITY_POINTS;
  results.fidelity = await runFidelity(points, (r) =>
    say(`  ${r.client.padEnd(7)} c=${r.concurrency} itl=${r.itlMs}: TTFT error p50 ${r.error.ttftP50} ms p99 ${r.error.ttftP99} ms; ITL error p50 ${r.error.itlP50} ms p99 ${r.error.itlP99} ms`),
  );
}

if (only.has('waves')) {
  // Every wave, the first included, against the server's own record: each client in a fresh (cold) process.
  const tokens = quick ? 32 : 128;
  say(`TTFT error per wave (paced simulator in its own process, TTFT 50 ms, ${tokens} tokens; each client in a fresh process):`);
  results.waves = await runWaves(WAVE_POINTS, tokens, (r) =>
    say(`  c=${r.concurrency} wave ${r.wave}: truth p50 ${r.truthTtftP50} ms; llmperf error p50 ${r.llmperf.p50} p99 ${r.llmperf.p99}; floor p50 ${r.floor.p50} p99 ${r.floor.p99}${r.met ? '' : ' (target missed)'}`),
  );
  results.wavesTokens = tokens;
}

if (only.has('scale')) {
  const streams = quick ? 2000 : 10_000;
  say(`scale: ${streams} concurrent streams against the simulator (its own process)`);
  const sim = await startSimulator({ ttftMs: 1500, itlMs: 500, outputTokens: 8, slots: streams, contention: 0, seed: 1 });
  try {
    results.scale = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', here('./scale-point.js'), JSON.stringify({ url: sim.url, streams, tokens: 8 })], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`scale run exited with ${code}`));
        else resolve(JSON.parse(out.trim().split('\n').pop()));
      });
    });
    results.scale.simulator = await sim.call('stats').then((s) => ({ maxInFlight: s.maxInFlight, lagMs: s.lagMs }));
  } finally {
    sim.close();
  }
}

results.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
results.repeat = repeat;
results.elapsedS = Math.round((Date.now() - startedAt) / 100) / 10;
process.stdout.write(printTables(results) + '\n');
const dir = here('./results/');
mkdirSync(dir, { recursive: true });
const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
writeFileSync(`${dir}bench-${stamp}.json`, JSON.stringify(results, null, 2));
writeFileSync(`${dir}latest.json`, JSON.stringify(results, null, 2));
say(`written to bench/results/bench-${stamp}.json and bench/results/latest.json (${results.elapsedS} s)`);
process.exit(0);
