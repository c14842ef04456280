// Reading benchmark files as distributed: CSV (RFC 4180), JSON, JSON Lines (optionally gzipped), with file:line errors.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';

/** Reads a text file, gunzipping `.gz` files. */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
}

/** CSV rows with the line each row starts on (quoted fields may span lines; "" is a literal quote). */
export function parseCsv(text: string, file: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new UsageError(`${file}:${rowLine}: unterminated quoted CSV field`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** JSON Lines: one object per non-empty line; a bad line is a UsageError naming file:line. */
export function parseJsonl(text: string, file: string): Array<{ line: number; value: Record<string, unknown> }> {
  const out: Array<{ line: number; value: Record<string, unknown> }> = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UsageError(`${file}:${index + 1}: expected a JSON object per line`);
    }
    out.push({ line: index + 1, value: value as Record<string, unknown> });
  });
  return out;
}

/** A whole-file JSON document; a syntax error is a UsageError naming the file. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(readText(file));
  } catch (error) {
    throw new UsageError(`${file}:1: not valid JSON (${(error as Error).message})`);
  }
}

/** Every file under `dir` (sorted, so item order is stable across machines) whose path matches `pattern`. */
export function findFiles(dir: string, pattern: RegExp, maxDepth = 6): string[] {
  const out: string[] = [];
  const walk = (current: string, depth: number): void => {
    if (depth > maxDepth) return;
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      if (statSync(full).isDirectory()) walk(full, depth + 1);
      else if (pattern.test(relative(dir, full).split('\\').join('/'))) out.push(full);
    }
  };
  walk(dir, 0);
  return out;
}

/** The benchmark's folder, which must exist. */
export function requireDir(dir: string | null, benchmark: string): string {
  if (dir === null || !existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`${benchmark}: data folder ${dir ?? '(none)'} not found; pass --data-dir with a ${benchmark}/ sub-folder holding its files as distributed`);
  }
  return dir;
}

/** A required string field, or a UsageError naming file:line and the field. */
export function field(value: Record<string, unknown>, key: string, where: string): string {
  const v = value[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new UsageError(`${where}: missing or non-text field "${key}"`);
}

/** sha256 over files' base names and bytes, in sorted path order (the same on every machine for the same tree). */
export function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(basename(file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
