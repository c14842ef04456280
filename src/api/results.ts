// Working with saved results as library calls: load, compare, merge, re-render.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { makeOutDir, newRunId, refuseReuse } from '../util/out-dir.js';
import { join, resolve } from 'node:path';
import { clusterSections } from '../cluster/report-sections.js';
import { mergeRequestFiles } from '../cluster/merge-records.js';
import { UsageError } from '../errors.js';
import { compareResults as compareDocuments, type Comparison } from '../metrics/compare.js';
import { parseFailOn } from '../metrics/fail-on.js';
import { mergeResults as mergeDocuments } from '../metrics/merge.js';
import type { MergedSection } from '../cluster/merge-shards.js';
import type { ResultDocument } from '../metrics/schema.js';
import { evaluateSlos, parseSlo, type SloOutcome } from '../metrics/slo.js';
import { DEFAULT_FORMATS, loadResult, parseFormats, writeReports as writeReportFiles, type LoadedResult, type ReportFormat } from '../report/index.js';
import { checkOptionNames } from './options.js';

export { loadResult, type LoadedResult };

/** A merged result: a result document with a `merged` section (shards, windows, notes). */
export type MergedResult = ResultDocument & { merged: MergedSection };

/** A run to compare or merge: a result.json path (or its folder), a loaded result, or a result document. */
export type ResultInput = string | LoadedResult | ResultDocument;

function load(input: ResultInput): LoadedResult {
  if (typeof input === 'string') return loadResult(input);
  if ('result' in input && 'path' in input) return input as LoadedResult;
  return { path: '', result: input as ResultDocument, records: null };
}

/** Options of {@link compareResults}. */
export interface CompareOptions {
  /** Conditions that fail the comparison, e.g. `"ttft_ms.p99 > +10%"` (see docs/reports.md). */
  failOn?: string[];
  /** Confidence of the intervals of change. Default 0.95. */
  confidence?: number;
  /** A change smaller than this many percent is never called significant. Default 5. */
  minEffect?: number;
}

/**
 * Compares a new run with a baseline: every summary metric and latency statistic with its change,
 * whether the change is beyond run-to-run noise, and `failed` when a `failOn` condition holds.
 * Per-request samples (requests.csv) are used when both inputs are paths or loaded results that have them.
 */
export function compareResults(base: ResultInput, next: ResultInput, options: CompareOptions = {}): Comparison {
  checkOptionNames(options, ['failOn', 'confidence', 'minEffect'], 'compareResults');
  const confidence = options.confidence ?? 0.95;
  if (!(confidence >= 0.5 && confidence <= 0.999)) throw new UsageError(`compareResults: confidence ${confidence}: expected a number from 0.5 to 0.999`);
  const minEffectPct = options.minEffect ?? 5;
  if (!(minEffectPct >= 0 && minEffectPct <= 1000)) throw new UsageError(`compareResults: minEffect ${minEffectPct}: expected a number from 0 to 1000`);
  const failOn = (options.failOn ?? []).map(parseFailOn);
  const a = load(base);
  const b = load(next);
  return compareDocuments(a.result, b.result, { baseRecords: a.records ?? undefined, newRecords: b.records ?? undefined, failOn, confidence, minEffectPct });
}

/** Options of {@link mergeResults}. */
export interface MergeOptions {
  /** Folder for the merged result.json, requests.csv and reports. Without it nothing is written (inputs must then be documents or paths). */
  out?: string;
  /** Report formats to write into `out`. Default `table,json,csv,html` (result.json always). */
  format?: ReportFormat[] | string;
  /** Thresholds checked on the merged result; outcomes land in `result.slo`. */
  slo?: string[];
  /** Write into an `out` folder that holds earlier results (they are replaced). */
  overwrite?: boolean;
}

/** What a merge writes, besides the merged result. */
export interface MergeOutput {
  result: MergedResult;
  files: string[];
  /** Request rows in the merged requests.csv (0 without `out`). */
  rows: number;
  slo: SloOutcome[];
}

/**
 * A folder with no result.json of its own stands for the results one level below it (a run's shard-0 ...
 * shard-N-1 on a shared volume), so a Kubernetes merge step needs no shell glob. The output folder is skipped.
 */
export function expandInputs(paths: readonly string[], outDir: string | undefined): string[] {
  const out = outDir === undefined ? null : resolve(outDir);
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

/** The merge with the files it wrote: the CLI's `merge` prints from this. */
export async function mergeRuns(inputs: readonly ResultInput[], options: MergeOptions = {}): Promise<MergeOutput> {
  checkOptionNames(options, ['out', 'format', 'slo', 'overwrite'], 'mergeResults');
  if (inputs.length === 0) throw new UsageError('merge: give the result.json of every shard (or their --out folders)');
  const formats = parseFormats(Array.isArray(options.format) ? options.format.join(',') : (options.format ?? DEFAULT_FORMATS));
  const slos = (options.slo ?? []).map(parseSlo);
  if (options.out !== undefined) refuseReuse(options.out, Boolean(options.overwrite));
  const paths = expandInputs(inputs.filter((input): input is string => typeof input === 'string'), options.out);
  const loaded = [...paths, ...inputs.filter((input) => typeof input !== 'string')].map(load);
  const result = mergeDocuments(loaded.map((l) => l.result));
  // The merged result is a run of its own: a fresh id in result.json and in every row of the merged requests.csv.
  result.run_id = newRunId();
  const outcomes = slos.length > 0 ? evaluateSlos(result, slos) : [];
  if (outcomes.length > 0) result.slo = outcomes;
  if (options.out === undefined) return { result, files: [], rows: 0, slo: outcomes };
  makeOutDir(options.out);
  const { rows, missing } = mergeRequestFiles(
    loaded.filter((l) => l.path !== '').map((l) => ({ resultPath: l.path, result: l.result })),
    (result.totals as { first_send_epoch_ms: number | null }).first_send_epoch_ms,
    join(options.out, 'requests.csv'),
    result.run_id,
  );
  const unpathed = loaded.filter((l) => l.path === '').length;
  if (missing.length > 0) result.merged.notes.push(`no requests.csv beside ${missing.join(', ')}: the merged requests.csv lacks their rows`);
  if (unpathed > 0) result.merged.notes.push(`${unpathed} result(s) given as documents, without their requests.csv: the merged requests.csv lacks their rows`);
  const withJson = formats.includes('json') ? formats : [...formats, 'json' as const];
  const files = await writeReportFiles(options.out, result, withJson, { extraSections: clusterSections(result) });
  files.push(join(options.out, 'requests.csv'));
  return { result, files, rows, slo: outcomes };
}

/**
 * Merges the results of shards (or any runs) into one, as if one client had sent it all: histograms
 * bucket by bucket (every percentile exact), counters summed, throughput over the union window.
 * With `out`, also writes result.json, the concatenated requests.csv and the reports there.
 */
export async function mergeResults(inputs: readonly ResultInput[], options: MergeOptions = {}): Promise<MergedResult> {
  return (await mergeRuns(inputs, options)).result;
}

/**
 * Writes report files for a result into `outDir` (`json`, `csv`, `md`, `html`, `png`; `table` writes
 * nothing) and resolves with their paths. `records` (from {@link loadResult}) feed the scatter charts.
 */
export async function writeReports(
  outDir: string,
  result: ResultDocument,
  formats: ReportFormat[] | string = DEFAULT_FORMATS,
  options: { records?: LoadedResult['records'] } = {},
): Promise<string[]> {
  const list = parseFormats(Array.isArray(formats) ? formats.join(',') : formats);
  mkdirSync(outDir, { recursive: true });
  return writeReportFiles(outDir, result, list, { records: options.records, extraSections: clusterSections(result) });
}
