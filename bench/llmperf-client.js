// llmperf's engine on the bench workload, in-process, with all its recording on (histograms, totals, requests.csv, result).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { LoadRun, buildResult, RequestLog } from '../dist/engine/index.js';

export function benchConfig({ baseUrl, concurrency, durationMs = null, requests = null, ratePerS = null, outputTokens = null, timeoutMs = 120_000, warmupRequests = 0 }) {
  const text = 'Write one short sentence about load testing.';
  return {
    target: { baseUrl, model: 'llmperf-bench' },
    api: 'chat',
    stream: true,
    concurrency,
    requests: requests === null ? null : requests - warmupRequests,
    durationMs: requests === null ? durationMs : null,
    ratePerS,
    prompts: [{ messages: [{ role: 'user', content: text }], text, inputTokensEstimate: 10 }],
    outputTokens,
    extraBody: {},
    timeoutMs,
    idleTimeoutMs: timeoutMs,
    seed: 1,
    warmupRequests,
    rejectUnauthorized: true,
  };
}

/**
 * Runs the engine as `llmperf run` would (minus report files): the result document and the run's own CPU and wall time.
 * `onRunStart` / `onRunEnd` (awaited) bracket exactly the measured window (bench/profile.js starts and stops its profiler there).
 */
export async function runLlmperf(options) {
  const config = benchConfig(options);
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-bench-'));
  const log = new RequestLog(join(dir, 'requests.csv'));
  // --metrics-port as `llmperf run` wires it: a Prometheus endpoint fed per finished request, scraped once a second by
  // another process (its CPU is not this one's; building each exposition is, as in a real run).
  const live = options.live ? await openLive() : null;
  try {
    const startedAt = new Date();
    let run;
    // `thread`: even one worker runs in a worker thread (what a worker adds per event, against the engine on the main thread).
    if ((options.workers ?? 1) > 1 || options.thread) {
      const { WorkerRun } = await import('../dist/engine/workers/index.js');
      run = new WorkerRun(config, options.workers, { onRecord: (record) => log.append(record) });
    } else {
      const onRecord = live === null ? (record) => log.append(record) : (record) => (log.append(record), live.session.record(record));
      run = new LoadRun(config, options.noLog ? {} : { onRecord });
    }
    live?.session.attach(run, '', config.target.model, 0);
    await options.onRunStart?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const outcome = await run.run();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await options.onRunEnd?.();
    // Percentiles and summaries happen once, after the run: timed apart, since their cost is per run, not per event.
    const t1 = performance.now();
    const result = buildResult(config, outcome, { startedAt, endedAt: new Date(), simulated: false });
    return { result, wallMs, cpuUs: cpu.user + cpu.system, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, summaryMs: performance.now() - t1 };
  } finally {
    if (live !== null) {
      live.session.detach();
      live.scraper.kill();
      await live.session.close();
    }
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A live session on a loopback port and a scraper process polling it every second (bench/run.js --only live). */
async function openLive() {
  const { LiveSession } = await import('../dist/live/session.js');
  const { toLivePlan } = await import('../dist/live/options.js');
  const session = await LiveSession.open(toLivePlan({ metricsPort: '0', metricsLinger: '0s' }), { target: 'bench', version: 'bench', model: 'llmperf-bench' });
  // Bounded: the scraper ends itself after two minutes whatever happens to this process. It runs on the server's core
  // (the last) where taskset exists, and is up (one scrape done) before the measured window, so its own start-up
  // does not compete with the client on the client's core.
  const script = `const go = () => fetch(${JSON.stringify(session.url)}).then((r) => r.text()).catch(() => {}); go().then(() => console.log('ready')); setInterval(go, 1000); setTimeout(() => process.exit(0), 120000)`;
  const lastCore = String(availableParallelism() - 1);
  const pinned = process.platform === 'linux' && availableParallelism() > 1 && spawnSync('taskset', ['-c', lastCore, 'true']).status === 0;
  const scraper = pinned ? spawn('taskset', ['-c', lastCore, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] }) : spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    scraper.stdout.once('data', () => (clearTimeout(timer), resolve()));
  });
  return { session, scraper };
}
