// The per-model and per-replica tables (by_model, by_url) in every format, from the result document only.
import Table from 'cli-table3';
import type { Breakdown, BreakdownKey } from '../metrics/breakdown.js';
import type { DistributionSummary, ResultDocument, Summary } from '../metrics/schema.js';
import { formatNumber } from '../metrics/slo.js';

/** One column of a split table: its heading and how it reads an entry's summary (null: unknown). */
interface Column {
  head: string;
  /** The summary.csv name of the value, after `by_model.<name>.`. */
  key: string;
  value: (s: Summary, run: Summary) => number | null;
}

const stat = (key: string, field: keyof DistributionSummary) => (s: Summary): number | null => {
  const d = s[key] as DistributionSummary | undefined;
  return d && d.count > 0 ? (d[field] as number | null) : null;
};

export const BREAKDOWN_COLUMNS: readonly Column[] = [
  { head: 'requests', key: 'sent', value: (s) => s.sent },
  { head: 'share', key: 'share', value: (s, run) => (run.sent > 0 ? Math.round((s.sent / run.sent) * 10_000) / 10_000 : null) },
  { head: 'ok', key: 'succeeded', value: (s) => s.succeeded },
  { head: 'failed', key: 'failed', value: (s) => s.failed },
  { head: 'req/s', key: 'qps', value: (s) => s.qps },
  { head: 'out tok/s', key: 'output_tokens_per_s', value: (s) => s.output_tokens_per_s },
  { head: 'TTFT p50', key: 'ttft_ms.p50', value: stat('ttft_ms', 'p50') },
  { head: 'TTFT p99', key: 'ttft_ms.p99', value: stat('ttft_ms', 'p99') },
  { head: 'TPOT p50', key: 'tpot_ms.p50', value: stat('tpot_ms', 'p50') },
  { head: 'ITL p50', key: 'itl_ms.p50', value: stat('itl_ms', 'p50') },
  { head: 'E2E p50', key: 'latency_ms.p50', value: stat('latency_ms', 'p50') },
  { head: 'E2E p99', key: 'latency_ms.p99', value: stat('latency_ms', 'p99') },
];

/** What each split is called in headings. */
export const BREAKDOWN_TITLES: Record<BreakdownKey, string> = { by_model: 'By model', by_url: 'By replica (URL)' };
export const FIRST_COLUMN: Record<BreakdownKey, string> = { by_model: 'model', by_url: 'url' };

/** The splits a result has, in a fixed order, each as rows of names and values (ms for the times). */
export function breakdownTables(result: ResultDocument): Array<{ key: BreakdownKey; title: string; first: string; rows: Array<{ name: string; values: Array<number | null> }> }> {
  const tables = [];
  for (const key of ['by_model', 'by_url'] as const) {
    const breakdown = result[key] as Breakdown | undefined;
    if (!breakdown || typeof breakdown !== 'object' || Object.keys(breakdown).length === 0) continue;
    const rows = Object.entries(breakdown).map(([name, entry]) => ({ name, values: BREAKDOWN_COLUMNS.map((c) => c.value(entry.summary, result.summary)) }));
    tables.push({ key, title: BREAKDOWN_TITLES[key], first: FIRST_COLUMN[key], rows });
  }
  return tables;
}

export const shown = (value: number | null): string => (value === null ? '-' : formatNumber(value));

/** Console: one compact table per split (times in ms); empty when the run was not split. */
export function breakdownConsole(result: ResultDocument): string[] {
  const color = process.stdout.isTTY ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] };
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  return breakdownTables(result).map(({ title, first, rows }) => {
    const table = new Table({ head: [first, ...BREAKDOWN_COLUMNS.map((c) => c.head)], chars, style: color });
    for (const row of rows) table.push([row.name, ...row.values.map(shown)]);
    return `${title} (times in ms; rates over the whole run)\n${table.toString()}`;
  });
}

/** summary.csv: `by_model.<name>.<metric>` rows, the metric named as in the top-level rows. */
export function breakdownFlat(result: ResultDocument): Array<[string, number]> {
  const flat: Array<[string, number]> = [];
  for (const { key, rows } of breakdownTables(result)) {
    for (const row of rows) BREAKDOWN_COLUMNS.forEach((column, i) => {
      const value = row.values[i];
      if (value !== null && value !== undefined) flat.push([`${key}.${row.name}.${column.key}`, value]);
    });
  }
  return flat;
}

/** The note under every split table. */
export const BREAKDOWN_NOTE = 'Times in ms; rates over the whole run, so the rows add up to the run.';
