// Shared pieces of the reliability tests: socket counting, accounting checks, temp dirs.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunTotals } from '../../src/metrics/summary.js';

/** Open TCP connections of this process (client and server side alike), as libuv reports them. */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

/**
 * Waits (bounded) until the socket count falls back to `baseline`: a destroyed socket leaves libuv's list on a
 * later tick, so one immediate look could see one that is already closing. Returns the last count seen.
 */
export async function settleSockets(baseline: number, withinMs = 2000): Promise<number> {
  const deadline = Date.now() + withinMs;
  let count = openSockets();
  while (count > baseline && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    count = openSockets();
  }
  return count;
}

/** The invariant every run keeps, whatever the server did. */
export function expectExactAccounting(totals: RunTotals, sent: number): void {
  expect(totals.sent).toBe(sent);
  expect(totals.succeeded + totals.failed + totals.cancelled + totals.warmup).toBe(totals.sent);
  const byKind = Object.values(totals.errors).reduce((sum, n) => sum + n, 0);
  expect(byKind).toBe(totals.failed);
  for (const kind of Object.keys(totals.errors)) expect(totals.error_samples[kind], `sample for ${kind}`).toBeTruthy();
}

export const tempDir = (prefix = 'llmperf-rel-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Every regular file under `dir`, recursively (hidden temporaries included: a leak there is still a leak). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** Complete rows of a requests.csv (header excluded; a torn last line without its newline is not a row). */
export function csvRows(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete.split('\n').slice(1).filter((line) => line.length > 0);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
