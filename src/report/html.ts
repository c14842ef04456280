// report.html: one self-contained page (chart.js inlined, data embedded as JSON), safe for text from prompts, models and servers.
import { itlNote } from './token-level.js';
import { dataWarnings } from './warnings.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestRecord, ResultDocument } from '../metrics/schema.js';
import { formatNumber, type SloOutcome } from '../metrics/slo.js';
import { buildCharts, type ChartSpec } from './charts.js';
import { headlineItems } from './headline.js';
import { hydrateChartConfig } from './chart-hydrate.js';
import { distributionRows, PERCENTILE_COLUMNS, summaryRows } from './tables.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that can sit inside <script>: no "<" survives, so neither "</script>" nor "<!--" can end or bend the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let chartJsSource: string | undefined;
function chartJs(): string {
  if (chartJsSource === undefined) {
    // chart.js's "exports" hide dist/chart.umd.js; it sits beside the CommonJS entry point.
    const path = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
    // The library text never contains "</script"; this keeps that true across chart.js upgrades.
    chartJsSource = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}

const text = (value: unknown): string => escapeHtml(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

function section(title: string, body: string, id: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** A value a reader can use: nothing for null, [] and {} (listed once as "not set"), plain text for lists and records. */
const unset = (value: unknown): boolean =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
const readable = (value: unknown): string =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : typeof value === 'object' && value !== null
    ? Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')
    : String(value);

function configTable(result: ResultDocument): string {
  const entries = Object.entries(result.config);
  const rows = entries.filter(([, value]) => !unset(value)).map(([key, value]) => `<tr><th>${text(key)}</th><td>${text(readable(value))}</td></tr>`);
  const notSet = entries.filter(([, value]) => unset(value)).map(([key]) => key);
  rows.push(`<tr><th>started_at</th><td>${text(result.started_at)}</td></tr>`, `<tr><th>ended_at</th><td>${text(result.ended_at)}</td></tr>`);
  if (result.tool) rows.push(`<tr><th>tool</th><td>${text(`${result.tool.name} ${result.tool.version}, node ${result.tool.node}, ${result.tool.platform}, ${result.tool.cpus} cpus`)}</td></tr>`);
  const tail = notSet.length > 0 ? `<p class="hidden-rows">Not set: ${text(notSet.join(', '))}.</p>` : '';
  return `<table class="kv">${rows.join('')}</table>${tail}`;
}

/** Rows worth no reader's time: zero counts of rare events (cancelled, reconnects, retried, reasoning tokens). */
const ALWAYS_SHOWN = new Set(['succeeded', 'failed', 'qps', 'duration_s']);

function metricsTable(result: ResultDocument): string {
  const all = summaryRows(result);
  const shown = all.filter((row) => row.value !== 0 || ALWAYS_SHOWN.has(row.key));
  const hidden = all.filter((row) => !shown.includes(row)).map((row) => row.key);
  const rows = shown.map((row) => `<tr data-metric="${text(row.key)}"><th>${text(row.label)}</th><td class="num">${text(formatNumber(row.value))}</td></tr>`);
  const note = hidden.length > 0 ? `<p class="hidden-rows">Not shown, 0 or not applicable in this run: ${text(hidden.join(', '))}.</p>` : '';
  return `<table id="metrics-table" class="kv">${rows.join('')}</table>${note}`;
}

function percentileTable(result: ResultDocument): string {
  const head = `<tr><th>distribution</th>${PERCENTILE_COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  const rows = distributionRows(result).map(
    ({ key, label, summary }) => `<tr data-metric="${key}"><th>${text(label)}</th>${PERCENTILE_COLUMNS.map((c) => `<td class="num" data-stat="${c}">${text(formatNumber(summary[c]))}</td>`).join('')}</tr>`,
  );
  return `<table id="percentile-table">${head}${rows.join('')}</table>`;
}

function sloTableHtml(outcomes: SloOutcome[]): string {
  const rows = outcomes.map(
    (o) => `<tr class="${o.passed ? 'pass' : 'fail'}"><td><code>${text(o.expression)}</code></td><td class="num">${text(formatNumber(o.actual))}</td><td>${o.passed ? 'PASS' : 'FAIL'}</td></tr>`,
  );
  return `<table id="slo-table"><tr><th>SLO</th><th>actual</th><th>result</th></tr>${rows.join('')}</table>`;
}

function errorsTable(result: ResultDocument): string {
  const errors = Object.entries(result.summary.errors ?? {});
  if (errors.length === 0) return '<p>No failed requests.</p>';
  const rows = errors.map(([kind, count]) => `<tr><td>${text(kind)}</td><td class="num">${count}</td><td>${text(result.summary.error_samples?.[kind] ?? '')}</td></tr>`);
  return `<table id="errors-table"><tr><th>kind</th><th>count</th><th>sample message</th></tr>${rows.join('')}</table>`;
}

function notes(result: ResultDocument, records: readonly RequestRecord[] | null): string {
  const items: string[] = [];
  if (result.interrupted) items.push('The run was interrupted: these numbers cover the part that finished.');
  if (result.simulated) items.push('Measured against the built-in simulator, not a real server.');
  if (result.summary.token_counts_estimated) items.push('Some token counts were estimated by the client (the server sent no usage).');
  if (result.client?.message) items.push(`Client health: ${result.client.message}`);
  for (const warning of dataWarnings(result)) items.push(`Warning: ${warning}`);
  const itl = itlNote(result);
  if (itl !== null) items.push(`${itl.warning ? 'Warning' : 'Note'}: ${itl.text}`);
  if (!records) items.push('No requests.csv beside this result: the length scatter plots are left out.');
  return items.length === 0 ? '' : `<ul class="notes">${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

function headlineHtml(result: ResultDocument): string {
  const cards = headlineItems(result).map(
    (item) =>
      `<div class="card${item.tone ? ` ${item.tone}` : ''}" data-headline="${text(item.id)}"><div class="label">${text(item.label)}</div>` +
      `<div class="value">${text(item.value)}${item.unit ? ` <span class="unit">${text(item.unit)}</span>` : ''}</div>` +
      `${item.detail ? `<div class="detail">${text(item.detail)}</div>` : ''}</div>`,
  );
  return `<section id="headline" aria-label="Headline"><div class="cards">${cards.join('')}</div></section>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#111;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.fail td{background:#fee2e2}tr.pass td{background:#dcfce7}
td{max-width:50rem;overflow-wrap:anywhere}.notes li{color:#92400e}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1rem}
.chart{position:relative;height:340px;border:1px solid #eee;padding:.5rem}
h1{font-size:1.4rem;margin:.2rem 0 .8rem}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.6rem;margin-bottom:1rem}
.card{border:1px solid #e5e7eb;border-radius:8px;padding:.5rem .7rem;background:#f9fafb}.card .label{font-size:.8rem;color:#4b5563}
.card .value{font-size:1.5rem;font-weight:600;font-variant-numeric:tabular-nums}.card .unit{font-size:.8rem;font-weight:400;color:#6b7280}
.card .detail{font-size:.75rem;color:#6b7280;overflow-wrap:anywhere}.card.good{border-color:#86efac;background:#f0fdf4}.card.bad{border-color:#fca5a5;background:#fef2f2}
.card.warn{border-color:#fcd34d;background:#fffbeb}.hidden-rows{color:#6b7280;font-size:.85rem;margin-top:-1rem}`;

/** Draws every embedded chart; it reads only the JSON island, never text from the page. */
const BOOT = `(function(){var hydrate=${hydrateChartConfig.toString()};var data=JSON.parse(document.getElementById('llmperf-data').textContent);
data.charts.forEach(function(spec){var cfg=spec.config;hydrate(cfg);cfg.options=cfg.options||{};cfg.options.responsive=true;cfg.options.maintainAspectRatio=false;cfg.options.animation=false;
new Chart(document.getElementById('chart-'+spec.id),cfg);});})();`;

/**
 * The whole page. `extraSections` are trusted HTML fragments appended after the charts: eval, arena and sweep
 * reports add theirs here, and must escape their own text with `escapeHtml`.
 */
export function renderHtml(result: ResultDocument, records: readonly RequestRecord[] | null, extraSections: readonly string[] = [], charts: ChartSpec[] = buildCharts(result, records)): string {
  const title = `llmperf: ${String(result.config.model)} at ${String(result.config.url)}`;
  const slo = Array.isArray(result.slo) ? (result.slo as SloOutcome[]) : [];
  const canvases = charts.map((c) => `<div class="chart"><canvas id="chart-${escapeHtml(c.id)}" aria-label="${escapeHtml(c.title)}" role="img"></canvas></div>`).join('');
  const data = { summary: result.summary, config: result.config, charts: charts.map((c) => ({ id: c.id, title: c.title, config: c.config })) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${headlineHtml(result)}
${notes(result, records)}
${charts.length > 0 ? section('Charts', `<div class="charts">${canvases}</div>`, 'charts') : ''}
${slo.length > 0 ? section('SLOs', sloTableHtml(slo), 'slo') : ''}
${section('Percentiles', percentileTable(result), 'percentiles')}
${section('Metrics', metricsTable(result), 'metrics')}
${section('Errors', errorsTable(result), 'errors')}
${extraSections.join('\n')}
${section('Configuration', configTable(result), 'configuration')}
<script>${chartJs()}</script>
<script type="application/json" id="llmperf-data">${jsonForScript(data)}</script>
<script>${BOOT}</script>
</body></html>
`;
}

/**
 * A page of charts and trusted HTML sections with the same style and chart boot as report.html
 * (sweeps and capacity searches use it). Sections must escape their own text with `escapeHtml`.
 */
export function renderChartPage(title: string, sections: readonly string[], charts: readonly ChartSpec[]): string {
  const canvases = charts.map((c) => `<div class="chart"><canvas id="chart-${escapeHtml(c.id)}" aria-label="${escapeHtml(c.title)}" role="img"></canvas></div>`).join('');
  const data = { charts: charts.map((c) => ({ id: c.id, title: c.title, config: c.config })) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${sections.join('\n')}
${charts.length > 0 ? section('Charts', `<div class="charts">${canvases}</div>`, 'charts') : ''}
<script>${chartJs()}</script>
<script type="application/json" id="llmperf-data">${jsonForScript(data)}</script>
<script>${BOOT}</script>
</body></html>
`;
}

export { section as htmlSection };
