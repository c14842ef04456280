// `llmperf merge RESULT.json... --out DIR`: one result from the shards of a run (or any runs), with every report format.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../errors.js';
import { mergeResults } from '../metrics/merge.js';
import type { ResultDocument } from '../metrics/schema.js';
import { allPassed, evaluateSlos, parseSlo, sloTable } from '../metrics/slo.js';
import { loadResult } from '../report/load.js';
import { DEFAULT_FORMATS, parseFormats, summaryConsoleTable, writeReports } from '../report/index.js';
import { mergeRequestFiles } from '../cluster/merge-records.js';
import { clusterSections } from '../cluster/report-sections.js';
import { makeOutDir, newRunId, refuseReuse } from '../util/out-dir.js';
import { collect } from '../util/parse.js';
import { handleUsage, usageExit } from './report.js';

export interface MergeCommandOptions {
  out?: string;
  overwrite?: boolean;
  format: string;
  slo: string[];
}

/**
 * A folder with no result.json of its own stands for the results one level below it (a run's shard-0 ...
 * shard-N-1 on a shared volume), so a Kubernetes merge step needs no shell glob. The output folder is skipped.
 */
export function expandInputs(paths: readonly string[], outDir: string): string[] {
  const out = resolve(outDir);
  return paths.flatMap((path) => {
    if (!existsSync(path) || !statSync(path).isDirectory() || existsSync(join(path, 'result.json'))) return [path];
    const found = readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && resolve(path, entry.name) !== out && existsSync(join(path, entry.name, 'result.json')))
      .map((entry) => join(path, entry.name))
      .sort();
    if (found.length === 0) throw new UsageError(`merge: ${path} holds no result.json, neither itself nor in its subfolders`);
    return found;
  });
}

/** Merges the inputs and writes result.json, requests.csv and the report formats into `out`; returns the exit code. */
export async function runMerge(paths: readonly string[], options: MergeCommandOptions, print: (text: string) => void = console.log): Promise<{ result: ResultDocument; exitCode: number; files: string[] }> {
  if (!options.out) throw new UsageError('merge: --out DIR is required (the merged result.json, requests.csv and reports go there)');
  if (paths.length === 0) throw new UsageError('merge: give the result.json of every shard (or their --out folders)');
  const formats = parseFormats(options.format);
  const slos = options.slo.map(parseSlo);
  refuseReuse(options.out, Boolean(options.overwrite));
  const loaded = expandInputs(paths, options.out).map(loadResult);
  const result = mergeResults(loaded.map((l) => l.result));
  // The merged result is a run of its own: a fresh id in result.json and in every row of the merged requests.csv.
  result.run_id = newRunId();
  makeOutDir(options.out);
  const { rows, missing } = mergeRequestFiles(
    loaded.map((l) => ({ resultPath: l.path, result: l.result })),
    (result.totals as { first_send_epoch_ms: number | null }).first_send_epoch_ms,
    join(options.out, 'requests.csv'),
    result.run_id,
  );
  if (missing.length > 0) result.merged.notes.push(`no requests.csv beside ${missing.join(', ')}: the merged requests.csv lacks their rows`);
  const outcomes = slos.length > 0 ? evaluateSlos(result, slos) : [];
  if (outcomes.length > 0) result.slo = outcomes;
  const withJson = formats.includes('json') ? formats : [...formats, 'json' as const];
  const files = await writeReports(options.out, result, withJson, { extraSections: clusterSections(result) });
  files.push(join(options.out, 'requests.csv'));
  if (formats.includes('table')) print(summaryConsoleTable(result));
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
