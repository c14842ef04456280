// Reads requests.csv (or requests.jsonl), the per-request record the engine appends as a run goes.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RequestRecord } from '../metrics/schema.js';

export const REQUESTS_CSV_HEADER = 'index,start_ms,intended_ms,queue_ms,ttft_ms,latency_ms,input_tokens,output_tokens,reasoning_tokens,packages,status,ok,error,reconnected';

/** Splits CSV text into rows (RFC 4180 quoting). Returns complete rows only: text after the last newline is a torn write. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell.endsWith('\r') ? cell.slice(0, -1) : cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  return rows;
}

const num = (cell: string | undefined): number | null => {
  if (cell === undefined || cell === '') return null;
  const value = Number(cell);
  return Number.isFinite(value) ? value : null;
};
const bool = (cell: string | undefined): boolean => cell === 'true' || cell === '1';

function fromCells(cells: Record<string, string>): RequestRecord | null {
  const index = num(cells.index);
  const startMs = num(cells.start_ms);
  if (index === null || startMs === null) return null;
  return {
    index,
    start_ms: startMs,
    intended_ms: num(cells.intended_ms),
    queue_ms: num(cells.queue_ms) ?? 0,
    ttft_ms: num(cells.ttft_ms),
    latency_ms: num(cells.latency_ms),
    input_tokens: num(cells.input_tokens) ?? 0,
    output_tokens: num(cells.output_tokens) ?? 0,
    reasoning_tokens: num(cells.reasoning_tokens) ?? 0,
    packages: num(cells.packages) ?? 0,
    status: num(cells.status) ?? 0,
    ok: bool(cells.ok),
    error: cells.error ? cells.error : null,
    reconnected: bool(cells.reconnected),
    // Appended later (--retries); older files have no such column.
    ...(cells.retries !== undefined ? { retries: num(cells.retries) ?? 0 } : {}),
    ...(cells.request_id !== undefined ? { request_id: cells.request_id === '' ? null : cells.request_id } : {}),
    ...(cells.usage_invalid !== undefined ? { usage_invalid: bool(cells.usage_invalid) } : {}),
    ...(cells.conversation !== undefined ? { conversation: num(cells.conversation), turn: num(cells.turn) } : {}),
  };
}

function parseCsv(text: string): RequestRecord[] {
  const [header, ...rows] = csvRows(text);
  if (!header) return [];
  const records: RequestRecord[] = [];
  for (const cells of rows) {
    if (cells.length !== header.length) continue; // a row torn by a crash mid-write
    const named: Record<string, string> = {};
    header.forEach((name, i) => (named[name.trim()] = cells[i]!));
    const record = fromCells(named);
    if (record) records.push(record);
  }
  return records;
}

function parseJsonl(text: string): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const record = fromCells(Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])));
      if (record) records.push(record);
    } catch {
      // A torn last line after SIGKILL: keep everything before it.
    }
  }
  return records;
}

/** Every complete record in the file; a torn last line (the process was killed mid-write) is skipped. */
export function readRequestRecords(path: string): RequestRecord[] {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.jsonl') ? parseJsonl(text) : parseCsv(text);
}

/**
 * The run id of a requests file (its first record's `run_id`), read from the file's first 64 KB only;
 * null when the file predates run ids or holds no complete record.
 */
export function requestsRunId(path: string): string | null {
  const fd = openSync(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(65_536);
    text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
  if (path.endsWith('.jsonl')) {
    try {
      const id = (JSON.parse(text.split('\n')[0] ?? '') as { run_id?: unknown }).run_id;
      return typeof id === 'string' && id !== '' ? id : null;
    } catch {
      return null;
    }
  }
  const [header, first] = csvRows(text);
  const column = header?.indexOf('run_id') ?? -1;
  return column >= 0 && first && first[column] ? first[column]! : null;
}

/** The requests file beside a result.json (requests.csv, else requests.jsonl), or null. */
export function requestsFileBeside(resultPath: string): string | null {
  for (const name of ['requests.csv', 'requests.jsonl']) {
    const path = join(dirname(resultPath), name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The records that sit next to a result.json (requests.csv, else requests.jsonl), or null when there are none. */
export function readRecordsBeside(resultPath: string): RequestRecord[] | null {
  for (const name of ['requests.csv', 'requests.jsonl']) {
    const path = join(dirname(resultPath), name);
    if (existsSync(path)) return readRequestRecords(path);
  }
  return null;
}
