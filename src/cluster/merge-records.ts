// Concatenates the shards' requests.csv into one, on the merged time origin, with a `shard` column and global indexes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResultDocument } from '../metrics/schema.js';
import { csvRows } from '../report/requests-file.js';
import type { RunTotals } from '../metrics/summary.js';
import type { ShardSection } from './merge-shards.js';

/** A CSV table as text cells: every column is carried over, including ones added after this file was written. */
interface Table {
  header: string[];
  rows: string[][];
}

/** RFC 4180 rows; an unterminated last line (a write torn by SIGKILL) is dropped. */
function parseCsv(text: string): Table {
  const [header = [], ...body] = csvRows(text);
  return { header, rows: body.filter((r) => r.length === header.length) };
}

const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const round3 = (value: number) => Math.round(value * 1000) / 1000;

export interface RecordsInput {
  resultPath: string;
  result: ResultDocument;
}

/** The label a merged file gives an input's rows: its shard (`I/N`), or `run-K` in the merge's canonical order. */
function labelOf(result: ResultDocument, position: number): string {
  return (result.shard as ShardSection | undefined)?.label ?? `run-${position}`;
}

/**
 * Merges the requests.csv files beside the inputs. `start_ms` and `intended_ms` move onto the merged origin
 * (a whole-ms shift, so re-merging is exact); a shard's local index j becomes the run's index j*N + I.
 * Rows are sorted by start time. Returns the number of rows written and the inputs that had no file.
 */
export function mergeRequestFiles(inputs: readonly RecordsInput[], mergedFirstSendMs: number | null, outPath: string, runId?: string): { rows: number; missing: string[] } {
  const header: string[] = [];
  const rows: Array<{ start: number; label: string; index: number; cells: Map<string, string> }> = [];
  const missing: string[] = [];
  const sorted = inputs.slice().sort((a, b) => ((a.result.totals as RunTotals).first_send_epoch_ms ?? Infinity) - ((b.result.totals as RunTotals).first_send_epoch_ms ?? Infinity));
  sorted.forEach(({ resultPath, result }, position) => {
    const path = join(dirname(resultPath), 'requests.csv');
    if (!existsSync(path)) return void missing.push(resultPath);
    const table = parseCsv(readFileSync(path, 'utf8'));
    for (const name of table.header) if (name !== 'shard' && !header.includes(name)) header.push(name);
    const first = (result.totals as RunTotals).first_send_epoch_ms;
    const shiftMs = first === null || mergedFirstSendMs === null ? 0 : Math.round(first) - Math.round(mergedFirstSendMs);
    const shard = result.shard as ShardSection | undefined;
    const label = labelOf(result, position);
    for (const cells of table.rows) {
      const named = new Map(table.header.map((name, i) => [name, cells[i]!]));
      for (const key of ['start_ms', 'intended_ms']) {
        const value = named.get(key);
        if (value !== undefined && value !== '') named.set(key, String(round3(Number(value) + shiftMs)));
      }
      const local = Number(named.get('index'));
      if (shard && Number.isFinite(local)) named.set('index', String(local * shard.count + shard.index));
      if (!named.has('shard')) named.set('shard', label);
      // Every row carries the merged run's id (the `shard` column still says where it came from).
      if (runId !== undefined) named.set('run_id', runId);
      rows.push({ start: Number(named.get('start_ms')), label: named.get('shard')!, index: Number(named.get('index')), cells: named });
    }
  });
  rows.sort((a, b) => a.start - b.start || a.label.localeCompare(b.label) || a.index - b.index);
  if (runId !== undefined && !header.includes('run_id')) header.push('run_id');
  const columns = [...header, 'shard'];
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((name) => quote(row.cells.get(name) ?? '')).join(','));
  writeFileSync(outPath, lines.join('\n') + '\n');
  return { rows: rows.length, missing };
}
