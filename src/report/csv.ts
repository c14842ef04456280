// summary.csv: one `metric,value` row per number, named as --slo and --fail-on name them, for spreadsheets and scripts.
import type { ResultDocument } from '../metrics/schema.js';
import { flatMetrics } from './tables.js';
import { breakdownFlat } from './breakdown.js';

/** Quotes a cell when needed, and defuses spreadsheet formulas in text that came from a server (=, +, -, @). */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderSummaryCsv(result: ResultDocument): string {
  const lines = ['metric,value'];
  for (const [name, value] of [...flatMetrics(result), ...breakdownFlat(result)]) lines.push(`${csvCell(name)},${value}`);
  return lines.join('\n') + '\n';
}
