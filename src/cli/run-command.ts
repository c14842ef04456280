// `llmperf run` (the default command): flags into a plan, the library's run, then printing and the exit code.
import { join, relative } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { addRunOptions } from './run-flags.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLD } from '../errors.js';
import type { ResultDocument } from '../metrics/schema.js';
import { allPassed, sloTable, type SloOutcome } from '../metrics/slo.js';
import { allFailedLine, consoleReport } from '../report/console.js';
import { dataWarnings } from '../report/warnings.js';
import { executeRun } from '../run/execute.js';
import { toRunPlan, type RunFlags, type RunPlan } from '../run/plan.js';
import type { RunHooks } from '../run/hooks.js';
import { redact } from '../util/redact.js';
import { progressLine } from './progress.js';
import { gpuLine, type GpuDocument } from '../live/energy.js';

/** Prints to stderr, so stdout stays clean for --json. */
export const say = (plan: Pick<RunPlan, 'quiet'>, text: string) => {
  if (!plan.quiet) process.stderr.write(redact(text) + '\n');
};

/**
 * First SIGINT/SIGTERM: stop sending and give in-flight requests the grace period; second: cancel at once.
 * The run itself only sees two abort signals; the process signals are the command line's business.
 */
export function signalHooks(plan: Pick<RunPlan, 'graceMs'>): { hooks: Pick<RunHooks, 'signal' | 'cancelSignal'>; release: () => void } {
  const stop = new AbortController();
  const cancel = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      process.stderr.write(`\n${signal}: stopping; waiting up to ${plan.graceMs / 1000}s for requests in flight (again to abort)\n`);
      stop.abort();
    } else {
      cancel.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    hooks: { signal: stop.signal, cancelSignal: cancel.signal },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** What went wrong, when something did: each error kind, how often, and one (redacted) sample message. */
export function errorTable(result: ResultDocument): string | null {
  const s = result.summary;
  const kinds = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  if (kinds.length === 0 && !s.retried) return null;
  const ended = s.succeeded + s.failed + s.cancelled;
  const table = new Table({ head: ['Error kind', 'Requests', 'Share', 'Sample message'], style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const [kind, count] of kinds) {
    const sample = (s.error_samples[kind] ?? '').replace(/\s+/g, ' ');
    table.push([kind, String(count), ended > 0 ? `${((100 * count) / ended).toFixed(1)}%` : '-', sample.length > 70 ? `${sample.slice(0, 69)}…` : sample]);
  }
  const lines = kinds.length > 0 ? [table.toString()] : [];
  if (s.retried) lines.push(`Retried (--retries): ${s.retried} requests needed more than one attempt`);
  return lines.join('\n');
}

/** The share of ended requests that failed, when it is above --fail-on-errors; null when within or off. */
export function errorRateExceeded(result: ResultDocument, limit: number | null): number | null {
  if (limit === null) return null;
  const s = result.summary;
  const ended = (s.succeeded ?? 0) + (s.failed ?? 0);
  const rate = ended > 0 ? (s.failed ?? 0) / ended : 0;
  return rate > limit ? rate : null;
}

/** Prints the result on stdout; a failure to print (a closed pipe, a broken terminal) is reported, never fatal. */
function printResult(plan: RunPlan, result: ResultDocument, outcomes: SloOutcome[]): void {
  try {
    if (plan.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      // The table view prints these under the metrics; with --json they go to stderr, beside the run's other notices.
      for (const warning of dataWarnings(result)) say(plan, `Warning: ${warning}`);
    } else if (!plan.quiet) {
      if (plan.formats.includes('table')) {
        process.stdout.write(consoleReport(result, plan.labels) + '\n');
        // A run where nothing succeeded printed its one-line diagnosis instead of the tables.
        const errors = allFailedLine(result) === null ? errorTable(result) : null;
        if (errors !== null) process.stdout.write(errors + '\n');
      }
      if (outcomes.length > 0) process.stdout.write(sloTable(outcomes) + '\n');
      if (result.gpu) process.stdout.write(gpuLine(result.gpu as GpuDocument) + '\n');
    }
  } catch (error) {
    process.stderr.write(`llmperf: could not print the result (${(error as Error).message}); it is in the files written\n`);
  }
}

export async function runAction(flags: RunFlags): Promise<number> {
  const plan = toRunPlan(flags);
  for (const note of plan.notes ?? []) say(plan, note);
  const progress = progressLine(!plan.quiet, { durationMs: plan.durationMs });
  const signals = signalHooks(plan);
  let output;
  try {
    output = await executeRun(plan, undefined, { ...signals.hooks, onProgress: progress.update, onNotice: (text) => say(plan, text) });
  } finally {
    progress.stop();
    signals.release();
  }
  // executeRun wrote result.json before anything is printed: no printing error can lose the result.
  const { result, outDir, files } = output;
  const outcomes = (result.slo as SloOutcome[] | undefined) ?? [];
  printResult(plan, result, outcomes);
  const written = ['requests.csv', ...files.map((file) => relative(outDir, file))];
  // -q still says where the results went: one line, so a script's log can find them.
  process.stderr.write(redact(plan.quiet ? `${join(outDir, 'result.json')}\n` : `Written to ${outDir}: ${written.join(', ')}\n`));
  if (result.interrupted) return EXIT_INTERRUPTED;
  const errorRate = errorRateExceeded(result, plan.failOnErrorRate);
  if (errorRate !== null) {
    process.stderr.write(`llmperf: ${(errorRate * 100).toFixed(1)}% of requests failed, above --fail-on-errors ${(plan.failOnErrorRate! * 100).toFixed(1)}%\n`);
    return EXIT_THRESHOLD;
  }
  return allPassed(outcomes) ? EXIT_OK : EXIT_THRESHOLD;
}

/** The `run` command (also the default command): the run flags and this action. */
export function runCommand(): Command {
  const run = addRunOptions(new Command('run').description('run a load test (the default command)'));
  run.action(async (flags: RunFlags) => {
    process.exitCode = await runAction(flags);
  });
  return run;
}
