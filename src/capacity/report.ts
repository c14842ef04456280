// Sweep and capacity outputs: the console table, sweep.json / capacity.json, an HTML page with the curves, PNGs.
import { join, relative } from 'node:path';
import Table from 'cli-table3';
import type { Summary } from '../metrics/schema.js';
import { escapeHtml, htmlSection, renderChartPage } from '../report/html.js';
import { writePngCharts } from '../report/png.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { sweepCharts, type ChartAnnotations, type SweepPoint } from './charts.js';
import type { LoadAxis } from './stages.js';

const fixed = (value: number | null | undefined, digits = 1) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-');

export interface StageRow {
  load: number;
  summary: Summary;
  passed?: boolean;
  /** The server did not keep up with the load (see sustain.ts): marked in the table, the HTML and the charts. */
  notSustained?: boolean;
}

const NOT_SUSTAINED = 'not_sustained';

const HEAD = ['load', 'out tok/s', 'req/s', 'goodput', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'latency p50', 'latency p99', 'errors'];

function rowValues(row: StageRow): string[] {
  const s = row.summary;
  return [
    `${Number(row.load.toFixed(3))}${row.notSustained ? ` (${NOT_SUSTAINED})` : ''}`,
    fixed(s.output_tokens_per_s),
    fixed(s.qps, 2),
    fixed(s.goodput as number | null, 2),
    fixed(s.ttft_ms.p50),
    fixed(s.ttft_ms.p99),
    fixed(s.tpot_ms.p50, 2),
    fixed(s.tpot_ms.p99, 2),
    fixed(s.latency_ms.p50),
    fixed(s.latency_ms.p99),
    String(s.failed),
  ];
}

/** One row a stage; the knee row is marked, and capacity stages say whether they met the SLOs. */
export function stageTable(rows: readonly StageRow[], knee: number | null = null): string {
  const withResult = rows.some((row) => row.passed !== undefined);
  const table = new Table({
    head: [...HEAD, ...(withResult ? ['SLOs'] : [])],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: process.stdout.isTTY ? {} : { head: [], border: [] },
  });
  for (const row of rows) {
    const values = rowValues(row);
    if (row.load === knee) values[0] += ' (knee)';
    table.push(withResult ? [...values, row.passed ? 'pass' : 'FAIL'] : values);
  }
  return table.toString();
}

function stageTableHtml(rows: readonly StageRow[], knee: number | null): string {
  const head = `<tr>${HEAD.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}${rows.some((r) => r.passed !== undefined) ? '<th>SLOs</th>' : ''}</tr>`;
  const body = rows
    .map((row) => {
      const cells = rowValues(row).map((value) => `<td class="num">${escapeHtml(value)}</td>`).join('');
      const verdict = row.passed === undefined ? '' : `<td>${row.passed ? 'pass' : 'FAIL'}</td>`;
      const cls = row.passed === undefined ? (row.notSustained ? ' class="fail"' : row.load === knee ? ' class="pass"' : '') : row.passed ? ' class="pass"' : ' class="fail"';
      return `<tr${cls}>${cells}${verdict}</tr>`;
    })
    .join('');
  return `<table id="stages-table">${head}${body}</table>`;
}

export function sweepPoints(rows: readonly StageRow[]): SweepPoint[] {
  // A stage without a successful request has no percentiles (null in the summary): plotted at 0, as before.
  return rows.map(({ load, summary, notSustained }) => ({
    load,
    notSustained: notSustained === true,
    outputTokensPerS: summary.output_tokens_per_s,
    qps: summary.qps,
    goodput: typeof summary.goodput === 'number' ? summary.goodput : null,
    ttftP99Ms: (summary.ttft_ms.p99 ?? 0),
    tpotP99Ms: (summary.tpot_ms.p99 ?? 0),
    latencyP99Ms: (summary.latency_ms.p99 ?? 0),
  }));
}

/**
 * Writes `<name>.json`, `report.html` (stage table, notes, curves) and `charts/*.png` into outDir.
 * Returns the files written.
 */
export async function writeStageReport(options: {
  outDir: string;
  name: 'sweep' | 'capacity';
  document: unknown;
  title: string;
  notes: string[];
  rows: StageRow[];
  by: LoadAxis;
  knee: number | null;
  png: boolean;
  /** Capacity searches: the SLO lines and the answer drawn on the charts. */
  annotations?: ChartAnnotations;
}): Promise<string[]> {
  const { outDir, by, knee } = options;
  // Stages by load in the table and the charts, not in the order a search happened to measure them.
  const rows = [...options.rows].sort((a, b) => a.load - b.load);
  const charts = sweepCharts(sweepPoints(rows), by, knee, options.annotations);
  const jsonPath = join(outDir, `${options.name}.json`);
  writeJsonAtomic(jsonPath, options.document);
  const notes = options.notes.length > 0 ? `<ul class="notes">${options.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  const html = renderChartPage(options.title, [notes, htmlSection('Stages', stageTableHtml(rows, knee), 'stages')], charts);
  const htmlPath = join(outDir, 'report.html');
  writeFileAtomic(htmlPath, html);
  const pngs = options.png ? await writePngCharts(outDir, charts) : [];
  return [jsonPath, htmlPath, ...pngs].map((file) => relative(process.cwd(), file) || file);
}
