// `llmperf merge RESULT.json... --out DIR`: flags into the library's merge, then its summary, notes and SLO table.
import { Command } from 'commander';
import { expandInputs, mergeRuns } from '../api/results.js';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../errors.js';
import type { ResultDocument } from '../metrics/schema.js';
import { allPassed, sloTable } from '../metrics/slo.js';
import { DEFAULT_FORMATS, parseFormats, summaryConsoleTable } from '../report/index.js';
import { collect } from '../util/parse.js';
import { handleUsage, usageExit } from './report.js';

export { expandInputs };

export interface MergeCommandOptions {
  out?: string;
  overwrite?: boolean;
  format: string;
  slo: string[];
}

/** Merges the inputs and writes result.json, requests.csv and the report formats into `out`; prints; returns the exit code. */
export async function runMerge(paths: readonly string[], options: MergeCommandOptions, print: (text: string) => void = console.log): Promise<{ result: ResultDocument; exitCode: number; files: string[] }> {
  if (!options.out) throw new UsageError('merge: --out DIR is required (the merged result.json, requests.csv and reports go there)');
  if (paths.length === 0) throw new UsageError('merge: give the result.json of every shard (or their --out folders)');
  const { result, files, rows, slo: outcomes } = await mergeRuns(paths, { out: options.out, format: options.format, slo: options.slo, overwrite: options.overwrite });
  if (parseFormats(options.format).includes('table')) print(summaryConsoleTable(result));
  print(`Merged ${result.merged.count} results (${rows} request rows) into ${options.out}`);
  for (const note of result.merged.notes) print(`note: ${note}`);
  if (outcomes.length > 0) print(sloTable(outcomes));
  return { result, files, exitCode: allPassed(outcomes) ? EXIT_OK : EXIT_THRESHOLD };
}

export function mergeCommand(): Command {
  return usageExit(
    new Command('merge')
      .description('merge the results of shards (--shard I/N) into one: histograms without loss, counts summed, union window')
      .argument('<results...>', 'result.json files or --out folders of the shards')
      .option('--out <dir>', 'folder for the merged result.json, requests.csv and reports (required)')
      .option('--overwrite', 'write into an --out folder even if it holds earlier results (they are replaced)')
      .option('--format <list>', 'comma-separated formats: table,json,csv,md,html,png', DEFAULT_FORMATS)
      .option('--slo <expr>', 'threshold checked on the merged result, e.g. "ttft_ms.p99 < 500" (repeatable; exit 1 when one fails)', collect, [])
      .action(async (paths: string[], options: MergeCommandOptions) => {
        await handleUsage(async () => {
          const { exitCode } = await runMerge(paths, options);
          process.exitCode = exitCode;
        });
      }),
  );
}
