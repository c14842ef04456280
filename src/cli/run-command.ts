// `llmperf run` (the default command): flags into a plan, the library's run, then printing and the exit code.
import { relative } from 'node:path';
import Table from 'cli-table3';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLD } from '../errors.js';
import type { ResultDocument } from '../metrics/schema.js';
import { allPassed, sloTable, type SloOutcome } from '../metrics/slo.js';
import { consoleReport } from '../report/console.js';
import { dataWarnings } from '../report/warnings.js';
import { executeRun } from '../run/execute.js';
import { toRunPlan, type RunFlags, type RunPlan } from '../run/plan.js';
import type { RunHooks } from '../run/hooks.js';
import { redact } from '../util/redact.js';
import { progressLine } from './progress.js';

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

export async function runAction(flags: RunFlags): Promise<number> {
  const plan = toRunPlan(flags);
  const progress = progressLine(!plan.quiet);
  const signals = signalHooks(plan);
  let output;
  try {
    output = await executeRun(plan, undefined, { ...signals.hooks, onProgress: progress.update, onNotice: (text) => say(plan, text) });
  } finally {
    progress.stop();
    signals.release();
  }
  const { result, outDir, files } = output;
  const outcomes = (result.slo as SloOutcome[] | undefined) ?? [];
  if (plan.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    // The table view prints these under the metrics; with --json they go to stderr, beside the run's other notices.
    for (const warning of dataWarnings(result)) say(plan, `Warning: ${warning}`);
  } else if (!plan.quiet) {
    if (plan.formats.includes('table')) {
      process.stdout.write(consoleReport(result) + '\n');
      const errors = errorTable(result);
      if (errors !== null) process.stdout.write(errors + '\n');
    }
    if (outcomes.length > 0) process.stdout.write(sloTable(outcomes) + '\n');
  }
  say(plan, `Written to ${outDir}: ${['requests.csv', ...files.map((file) => relative(outDir, file))].join(', ')}`);
  if (result.interrupted) return EXIT_INTERRUPTED;
  return allPassed(outcomes) ? EXIT_OK : EXIT_THRESHOLD;
}
