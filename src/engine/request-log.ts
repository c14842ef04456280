// Appends one CSV row per finished request as the run goes, so a run that dies keeps what it measured.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RequestRecord } from '../metrics/schema.js';

export const REQUEST_CSV_COLUMNS = [
  'index', 'start_ms', 'intended_ms', 'queue_ms', 'ttft_ms', 'latency_ms', 'input_tokens', 'output_tokens',
  'reasoning_tokens', 'packages', 'status', 'ok', 'error', 'reconnected',
] as const satisfies ReadonlyArray<keyof RequestRecord>;

/** Error kinds are identifiers, but quote defensively: a CSV cell never breaks the row. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class RequestLog {
  private fd: number | null;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, REQUEST_CSV_COLUMNS.join(',') + '\n');
  }

  /**
   * One synchronous write per finished request (not per chunk): after it returns the row is in the
   * kernel's page cache, so even SIGKILL keeps it.
   */
  append(record: RequestRecord): void {
    if (this.fd === null) return;
    let line = '';
    for (let i = 0; i < REQUEST_CSV_COLUMNS.length; i++) {
      if (i > 0) line += ',';
      line += cell(record[REQUEST_CSV_COLUMNS[i]]);
    }
    writeSync(this.fd, line + '\n');
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
