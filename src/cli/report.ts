// `llmperf report RESULT.json [--format ...] [--out DIR]`: re-renders any format from a saved run.
import { dirname } from 'node:path';
import { Command } from 'commander';
import { clusterSections } from '../cluster/report-sections.js';
import { EXIT_USAGE, UsageError } from '../errors.js';
import { consoleReport } from '../report/console.js';
import { DEFAULT_FORMATS, loadResult, parseFormats, writeReports } from '../report/index.js';
import { sloTable, type SloOutcome } from '../metrics/slo.js';

export interface ReportCommandOptions {
  format: string;
  out?: string;
}

/** Runs the command's work; throws UsageError on bad input. Returns the files written. */
export async function runReport(resultPath: string, options: ReportCommandOptions, print: (text: string) => void = console.log): Promise<string[]> {
  const formats = parseFormats(options.format);
  const loaded = loadResult(resultPath);
  const outDir = options.out ?? dirname(loaded.path);
  if (formats.includes('table')) {
    print(consoleReport(loaded.result)); // the same tables a run prints
    const slo = loaded.result.slo as SloOutcome[] | undefined;
    if (Array.isArray(slo) && slo.length > 0) print(sloTable(slo));
  }
  const written = await writeReports(outDir, loaded.result, formats, { records: loaded.records, extraSections: clusterSections(loaded.result) });
  for (const path of written) print(`wrote ${path}`);
  return written;
}

/** Commander parse errors (missing argument, unknown option) are usage errors: exit 2, not commander's 1. */
export function usageExit(command: Command): Command {
  return command.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  });
}

export async function handleUsage(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`llmperf: ${error.message}`);
    process.exitCode = EXIT_USAGE;
  }
}

export function reportCommand(): Command {
  return usageExit(
    new Command('report')
      .description('re-render reports (table, json, csv, md, html, png) from a saved result.json')
      .argument('<result>', 'a result.json, or the --out folder of a run')
      .option('--format <list>', `comma-separated formats: table,json,csv,md,html,png`, DEFAULT_FORMATS)
      .option('--out <dir>', 'folder for the files (default: the folder of RESULT)')
      .action(async (resultPath: string, options: ReportCommandOptions) => {
        await handleUsage(async () => {
          await runReport(resultPath, options);
        });
      }),
  );
}
