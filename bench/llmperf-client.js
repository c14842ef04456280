// llmperf's engine on the bench workload, in-process, with all its recording on (histograms, totals, requests.csv, result).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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
  try {
    const startedAt = new Date();
    let run;
    if ((options.workers ?? 1) > 1) {
      const { WorkerRun } = await import('../dist/engine/workers/index.js');
      run = new WorkerRun(config, options.workers, { onRecord: (record) => log.append(record) });
    } else {
      run = new LoadRun(config, { onRecord: (record) => log.append(record) });
    }
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
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
