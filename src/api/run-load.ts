// runLoad: one whole load test as a library call, returning the result document.
import type { ResultDocument } from '../metrics/schema.js';
import { executeRun, type RunHooks } from '../run/index.js';
import { resolveRunOptions, type RunOptions } from './options.js';

/**
 * Runs a load test and resolves with its result document: the same run as `llmperf run`, including the
 * built-in simulator (in a worker thread) when `options.url` is not given. It writes `result.json`,
 * `requests.csv` and the report formats into `options.out` (default `reports/<timestamp>-<model>/`).
 *
 * It never prints, never exits the process and installs no signal handlers: follow it with
 * `hooks.onProgress` and `hooks.onNotice`, stop it with `hooks.signal` (in-flight requests get
 * `options.grace`, then are cancelled; the result says `"interrupted": true`).
 *
 * @throws {UsageError} bad options (code `LLMPERF_USAGE`), before anything is sent.
 * @throws {TargetError} the server cannot be reached before the run (code `LLMPERF_TARGET`).
 * Server faults during the run are never thrown: they are counted in `result.summary.errors`.
 *
 * @example
 * const result = await runLoad({ concurrency: 8, requests: 64, out: 'runs/smoke' });
 * console.log(result.summary.ttft_ms.p99);
 */
export async function runLoad(options: RunOptions = {}, hooks: RunHooks = {}): Promise<ResultDocument> {
  const plan = resolveRunOptions(options, 'runLoad');
  const { result } = await executeRun(plan, undefined, hooks);
  return result;
}
