// Output format names for --format, validated once at the edge.
import { UsageError } from '../errors.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md', 'html', 'png'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const DEFAULT_FORMATS = 'table,json,csv,html';

/** `"table,json,html"` -> formats, deduplicated, in the order given. `table` is the console table (printed by the caller). */
export function parseFormats(list: string): ReportFormat[] {
  const names = list.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  if (names.length === 0) throw new UsageError(`--format "${list}": name at least one of ${REPORT_FORMATS.join(', ')} (example: --format table,json,html)`);
  const formats: ReportFormat[] = [];
  for (const name of names) {
    if (!(REPORT_FORMATS as readonly string[]).includes(name)) {
      throw new UsageError(`--format "${list}": unknown format "${name}"; choose from ${REPORT_FORMATS.join(', ')} (example: --format table,json,html)`);
    }
    if (!formats.includes(name as ReportFormat)) formats.push(name as ReportFormat);
  }
  return formats;
}
