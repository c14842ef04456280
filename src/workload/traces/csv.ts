// A minimal CSV reader for trace files: a header row, comma-separated fields, optional double quotes.
import { readLines } from '../datasets/source.js';

/** Splits one CSV line; quoted fields may hold commas and doubled quotes (no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Each data row as a record keyed by the header's names (case and spacing as written), with its file:line. */
export function readCsv(path: string, onRow: (row: Record<string, string>, where: string) => void, onHeader: (names: string[], where: string) => void): void {
  let header: string[] | null = null;
  readLines(path, undefined, (text, line) => {
    if (text.trim() === '') return;
    const fields = splitCsvLine(text.replace(/^\uFEFF/, ''));
    if (header === null) {
      header = fields;
      onHeader(header, `${path}:${line}`);
      return;
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => (row[name] = fields[i] ?? ''));
    onRow(row, `${path}:${line}`);
  });
}
