// `llmperf compare BASE.json NEW.json [--fail-on EXPR]... [--format table|md|json]`: flags into the library's comparison, printed.
import { Command, Option } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../errors.js';
import { compareResults, loadResult } from '../api/results.js';
import { comparisonMarkdown, comparisonTable, type Comparison } from '../metrics/compare.js';
import { parseFailOn, type FailOn } from '../metrics/fail-on.js';
import { handleUsage, usageExit } from './report.js';

export interface CompareCommandOptions {
  failOn: string[];
  format: 'table' | 'md' | 'json';
  confidence: string;
  minEffect: string;
  /** Show every metric, not only those that changed beyond noise. */
  all?: boolean;
}

function fraction(text: string, flag: string, low: number, high: number): number {
  const value = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(value) || value < low || value > high) throw new UsageError(`${flag} "${text}": expected a number from ${low} to ${high}`);
  return value;
}

/** How a bare number in --fail-on is read, with the two other forms beside it. */
export function bareNumberNote(condition: FailOn): string {
  const name = `${condition.metric}${condition.stat ? `.${condition.stat}` : ''}`;
  const unit = condition.metric.endsWith('_ms') ? ' ms' : '';
  const n = Math.abs(condition.threshold);
  const sign = condition.op.startsWith('<') ? '-' : '+';
  return (
    `--fail-on "${condition.expression}": the bare number ${n} is NEW's own ${name} (${n}${unit}), not a change; ` +
    `write ${condition.op} ${sign}${n} for a change of ${n}${unit} or ${condition.op} ${sign}${n}% for a relative change`
  );
}

/** Compares two saved runs; returns the comparison and the exit code it calls for. Throws UsageError on bad input. */
export function runCompare(basePath: string, newPath: string, options: CompareCommandOptions, print: (text: string) => void = console.log): { comparison: Comparison; exitCode: number } {
  const failOn = options.failOn.map(parseFailOn);
  // "ttft_ms.p99 > 10" reads as NEW's own p99 above 10 ms, which people often mean as a change: say how it is read.
  for (const condition of failOn) {
    if (condition.kind === 'value' && condition.threshold !== 0) process.stderr.write(`${bareNumberNote(condition)}\n`);
  }
  const confidence = fraction(options.confidence, '--confidence', 0.5, 0.999);
  const minEffect = fraction(options.minEffect, '--min-effect', 0, 1000);
  const base = loadResult(basePath);
  const next = loadResult(newPath);
  const comparison = compareResults(base, next, { failOn: options.failOn, confidence, minEffect });
  if (options.format === 'json') print(JSON.stringify({ base: base.path, new: next.path, ...comparison }, null, 2));
  else if (options.format === 'md') print(comparisonMarkdown(comparison, Boolean(options.all)));
  else print(comparisonTable(comparison, Boolean(options.all)));
  return { comparison, exitCode: comparison.failed ? EXIT_THRESHOLD : EXIT_OK };
}

export function compareCommand(): Command {
  return usageExit(
    new Command('compare')
      .description('compare two runs: every metric with its change, whether latency changes exceed noise, and --fail-on gates for CI')
      .argument('<base>', 'the baseline result.json (or its folder)')
      .argument('<new>', 'the new result.json (or its folder)')
      .option('--fail-on <expr>', 'exit 1 when this holds, e.g. "ttft_ms.p99 > +10%", "output_tokens_per_s < -5%", "failed > 0" (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'md', 'json']).default('table'))
      .option('--confidence <level>', 'confidence of the change intervals', '0.95')
      .option('--min-effect <percent>', 'smallest change (percent) ever called beyond noise', '5')
      .option('--all', 'show every metric (default: only those that changed beyond noise; --format json always has all)')
      .action(async (basePath: string, newPath: string, options: CompareCommandOptions) => {
        await handleUsage(async () => {
          const { exitCode } = runCompare(basePath, newPath, options);
          if (exitCode !== EXIT_OK) process.exitCode = exitCode;
        });
      }),
  );
}
