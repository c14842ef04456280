// Appends one CSV row per finished request as the run goes, so a run that dies keeps what it measured.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RequestRecord } from '../metrics/schema.js';

export const REQUEST_CSV_COLUMNS = [
  'index', 'start_ms', 'intended_ms', 'queue_ms', 'ttft_ms', 'latency_ms', 'input_tokens', 'output_tokens',
  'reasoning_tokens', 'packages', 'status', 'ok', 'error', 'reconnected',
  // New columns go at the end, so scripts reading columns by position keep working.
  'retries', 'request_id', 'usage_invalid', 'prefix_group', 'cached_tokens',
  'tool_calls', 'tool_calls_invalid', 'schema_valid', 'invalid_reason', 'input_images', 'input_image_bytes',
  'conversation', 'turn',
  'http_connect_ms', 'http_headers_ms', 'http_first_byte_ms', 'model', 'url',
] as const satisfies ReadonlyArray<keyof RequestRecord>;

/** Error kinds are identifiers, but quote defensively: a CSV cell never breaks the row. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Most cells are numbers and booleans, which never need quoting: no string scan for them (once per cell per request).
  if (typeof value === 'number' || typeof value === 'boolean') return '' + value;
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row, compiled once from the column list into plain property reads (`cell(r.index) + ',' + cell(r.start_ms)...`):
 * a loop reading `record[column]` with 20-odd different keys is a megamorphic lookup per cell, per request.
 * The names are the constant identifiers above, never input.
 */
const csvRow = new Function('cell', `return (r) => ${REQUEST_CSV_COLUMNS.map((c) => `cell(r.${c})`).join(" + ',' + ")};`)(cell) as (record: RequestRecord) => string;

export class RequestLog {
  private fd: number | null;
  /** Rows not yet written: flushed at the end of the current event-loop turn, at 32 KB, and on close. */
  private pending = '';
  private flushScheduled: NodeJS.Immediate | null = null;

  /** The last column, `run_id`: the same id as result.json's, so a file is never read with another run's result. */
  private readonly runIdCell: string;

  constructor(path: string, runId?: string) {
    this.fd = openSync(path, 'w');
    this.runIdCell = runId === undefined ? '' : ',' + cell(runId);
    writeSync(this.fd, REQUEST_CSV_COLUMNS.join(',') + (runId === undefined ? '' : ',run_id') + '\n');
  }

  /**
   * Rows are batched per event-loop turn: one synchronous write per request cost about 10% of the
   * client's CPU at short responses (bench/profile.js), and under load many requests end in one turn.
   * The flush runs right after the turn in which the requests ended (setImmediate), so a row reaches
   * the kernel's page cache within a loop turn of its request ending and even a SIGKILL keeps it.
   */
  append(record: RequestRecord): void {
    if (this.fd === null) return;
    this.pending += csvRow(record) + this.runIdCell + '\n';
    if (this.pending.length >= 32_768) this.flush();
    else if (this.flushScheduled === null) this.flushScheduled = setImmediate(() => this.flush());
  }

  /** Writes the pending rows now. */
  flush(): void {
    if (this.flushScheduled !== null) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    if (this.fd === null || this.pending.length === 0) return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
