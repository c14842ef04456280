// summary.md: the metric and percentile tables in Markdown, for a pull request or a CI job summary.
import { dataWarnings } from './warnings.js';
import { itlNote, speculativeLine } from './token-level.js';
import type { RequestRecord, ResultDocument } from '../metrics/schema.js';
import { formatNumber, type SloOutcome } from '../metrics/slo.js';
import { distributionRows, PERCENTILE_COLUMNS, summaryRows } from './tables.js';
import { outputCheckLines } from './output-checks.js';

/** Markdown cells hold text from servers and configs: neutralise table pipes, newlines and inline HTML. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '\\`');
}

/** Inside a code span HTML is not interpreted, so only pipes, backticks and newlines need care. */
export function mdCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')}\``;
}

export function renderMarkdown(result: ResultDocument, _records: readonly RequestRecord[] | null = null): string {
  const lines: string[] = [];
  const config = result.config;
  lines.push(`## llmperf: ${mdCell(String(config.model))} at ${mdCell(String(config.url))}`, '');
  lines.push(`Started ${mdCell(result.started_at)}, concurrency ${config.concurrency}${config.rate ? `, rate ${config.rate}/s` : ''}${result.simulated ? ', against the built-in simulator' : ''}.`, '');
  if (result.interrupted) lines.push('> **Interrupted**: this result covers the part of the run that finished.', '');
  if (result.client?.message) lines.push(`> **Client health**: ${mdCell(result.client.message)}`, '');
  for (const warning of dataWarnings(result)) lines.push(`> **Warning**: ${mdCell(warning)}`, '');
  const itl = itlNote(result);
  if (itl !== null) lines.push(`> **${itl.warning ? 'Warning' : 'Note'}**: ${mdCell(itl.text)}`, '');
  const spec = speculativeLine(result);
  if (spec !== null) lines.push(mdCell(spec), '');
  const slo = result.slo as SloOutcome[] | undefined;
  if (Array.isArray(slo) && slo.length > 0) {
    lines.push('| SLO | actual | result |', '|---|---:|---|');
    for (const outcome of slo) lines.push(`| ${mdCode(outcome.expression)} | ${formatNumber(outcome.actual)} | ${outcome.passed ? 'PASS' : '**FAIL**'} |`);
    lines.push('');
  }
  lines.push('| metric | value |', '|---|---:|');
  for (const row of summaryRows(result)) lines.push(`| ${row.label} | ${formatNumber(row.value)} |`);
  lines.push('');
  const distributions = distributionRows(result);
  if (distributions.length > 0) {
    lines.push(`| distribution | ${PERCENTILE_COLUMNS.join(' | ')} |`, `|---|${PERCENTILE_COLUMNS.map(() => '---:').join('|')}|`);
    for (const { label, summary } of distributions) lines.push(`| ${label} | ${PERCENTILE_COLUMNS.map((stat) => formatNumber(summary[stat])).join(' | ')} |`);
    lines.push('');
  }
  const checks = outputCheckLines(result);
  if (checks.length > 0) lines.push(...checks.map(mdCell), '');
  lines.push(...arrivalLines(result));
  const errors = Object.entries(result.summary.errors ?? {});
  if (errors.length > 0) {
    lines.push('| error | count | sample |', '|---|---:|---|');
    for (const [kind, count] of errors) lines.push(`| ${mdCell(kind)} | ${count} | ${mdCell(result.summary.error_samples?.[kind] ?? '')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Open loop: how closely the sends followed the schedule (report.html and charts/arrivals.png draw both curves). */
function arrivalLines(result: ResultDocument): string[] {
  const a = result.arrivals;
  if (!a || a.scheduled_total === 0) return [];
  const bucket = a.bucket_ms >= 1000 ? `${a.bucket_ms / 1000} s` : `${a.bucket_ms} ms`;
  const source = typeof result.config.trace_format === 'string' ? 'trace' : 'schedule';
  return [
    `| arrivals | ${source} | sent | max deviation per ${bucket} bucket | most requests behind or ahead |`,
    '|---|---:|---:|---:|---:|',
    `| requests | ${a.scheduled_total} | ${a.achieved_total} | ${a.max_bucket_deviation} | ${a.max_cumulative_deviation} |`,
    '',
  ];
}
