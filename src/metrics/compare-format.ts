// How a comparison prints: the verdict words, which rows a reader sees by default, the console table and Markdown.
import Table from 'cli-table3';
import type { Comparison, CompareRow } from './compare.js';
import { formatNumber } from './slo.js';

export function formatPct(pct: number | null): string {
  if (pct === null || Number.isNaN(pct)) return 'n/a';
  if (!Number.isFinite(pct)) return pct > 0 ? '+inf%' : '-inf%';
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

function signed(value: number | null): string {
  if (value === null) return 'n/a';
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}

/**
 * The verdict cell: "worse", "better", "changed" (no preferred direction); "noise" only when the interval
 * includes zero; "below --min-effect" when the interval excludes zero but the change is smaller than asked;
 * "too few samples" when a tail percentile cannot be judged.
 */
export function verdict(r: CompareRow, minEffectPct?: number): string {
  if (!r.significance) return '';
  if (!r.significance.enough_samples) return 'too few samples';
  if (!r.significance.significant) {
    const excludesZero = r.significance.ci_low > 0 || r.significance.ci_high < 0;
    if (!excludesZero) return 'noise';
    return minEffectPct === undefined ? 'below --min-effect' : `below --min-effect ${minEffectPct}%`;
  }
  const up = (r.delta ?? 0) > 0;
  if (r.better === null) return 'changed';
  return up === (r.better === 'higher') ? 'better' : 'worse';
}

/**
 * Whether a row changed beyond noise: a tested statistic whose interval excludes zero with at least
 * --min-effect; an untested metric (counts, rates, max) that moved by at least --min-effect.
 */
export function changedBeyondNoise(r: CompareRow, minEffectPct: number): boolean {
  if (r.significance) return r.significance.enough_samples && r.significance.significant;
  if (r.delta === null || r.delta === 0 || r.delta_pct === null) return r.base === null ? r.new !== null : r.new === null;
  return Math.abs(r.delta_pct) >= minEffectPct;
}

/** The rows a reader sees: by default only those that changed beyond noise; every row with `all`. */
export function shownRows(c: Comparison, all = false): CompareRow[] {
  return all ? c.rows : c.rows.filter((r) => changedBeyondNoise(r, c.min_effect_pct));
}

function intervalText(r: CompareRow): string {
  return r.significance?.enough_samples ? `[${signed(r.significance.ci_low)}, ${signed(r.significance.ci_high)}]` : '';
}

/** The line under a filtered table: how many rows were left out and how to see them. */
function hiddenLine(c: Comparison, shown: number): string | null {
  const hidden = c.rows.length - shown;
  if (hidden === 0) return null;
  const what = shown === 0 ? `No metric changed beyond noise (${c.rows.length} compared)` : `${hidden} metrics within noise or below --min-effect ${c.min_effect_pct}% not shown`;
  return `${what}; --all shows every metric.`;
}

export function comparisonTable(c: Comparison, all = false): string {
  const rows = shownRows(c, all);
  const lines: string[] = [];
  if (rows.length > 0) {
    const table = new Table({ head: ['metric', 'base', 'new', 'change', 'change %', `${Math.round(c.confidence * 100)}% CI of change`, 'beyond noise'], style: { head: [], border: [] } });
    for (const r of rows) table.push([r.metric, formatNumber(r.base), formatNumber(r.new), signed(r.delta), formatPct(r.delta_pct), intervalText(r), verdict(r, c.min_effect_pct)]);
    lines.push(table.toString());
  }
  const hidden = hiddenLine(c, rows.length);
  if (hidden) lines.push(hidden);
  return [...lines, ...failOnLines(c)].join('\n');
}

function failOnLines(c: Comparison): string[] {
  return c.fail_on.map((o) => `${o.crossed ? 'FAIL' : 'ok  '}  ${o.expression}  (base ${formatNumber(o.base)}, new ${formatNumber(o.new)})`);
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function comparisonMarkdown(c: Comparison, all = false): string {
  const lines = ['## llmperf compare', ''];
  if (c.fail_on.length > 0) {
    lines.push(c.failed ? '**Result: FAILED**' : '**Result: passed**', '', '| condition | base | new | result |', '|---|---:|---:|---|');
    for (const o of c.fail_on) lines.push(`| \`${escapeCell(o.expression)}\` | ${formatNumber(o.base)} | ${formatNumber(o.new)} | ${o.crossed ? 'FAIL' : 'ok'} |`);
    lines.push('');
  }
  const rows = shownRows(c, all);
  if (rows.length > 0) {
    lines.push(`| metric | base | new | change | change % | ${Math.round(c.confidence * 100)}% CI of change | beyond noise |`, '|---|---:|---:|---:|---:|---|---|');
    for (const r of rows) lines.push(`| ${r.metric} | ${formatNumber(r.base)} | ${formatNumber(r.new)} | ${signed(r.delta)} | ${formatPct(r.delta_pct)} | ${intervalText(r)} | ${verdict(r, c.min_effect_pct)} |`);
  }
  const hidden = hiddenLine(c, rows.length);
  if (hidden) lines.push('', hidden);
  if (c.shifts.length > 0) {
    lines.push('', 'Distribution shift (Mann-Whitney U, two-sided):', '', '| distribution | source | base n | new n | p-value | P(new > base) |', '|---|---|---:|---:|---:|---:|');
    for (const s of c.shifts) lines.push(`| ${s.metric} | ${s.source} | ${s.base_count} | ${s.new_count} | ${s.p_value.toPrecision(3)} | ${s.prob_new_greater.toFixed(3)} |`);
  }
  lines.push(
    '',
    `A change is "beyond noise" when its ${Math.round(c.confidence * 100)}% interval excludes zero and it is at least ${c.min_effect_pct}% (--min-effect). ` +
      `"noise": the interval includes zero. Percentiles need 3 values beyond them in each run for a verdict. ` +
      `The change is read from the summaries; where the interval (from per-request samples) did not hold it, the interval was widened to.`,
  );
  return lines.join('\n') + '\n';
}
