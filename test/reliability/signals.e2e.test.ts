// Interruption loses nothing: the real CLI in a child process, stopped with SIGINT (once, twice) and SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_INTERRUPTED } from '../../src/errors.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { CLI } from '../helpers/cli.js';
import { csvRows, sleep, tempDir } from './helpers.js';

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

function startCli(args: string[]): Child {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data) => (output += data));
  child.stderr!.on('data', (data) => (output += data));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, atMs: performance.now() }));
  });
  return { process: child, output: () => output, exited };
}

/** Polls until `check` holds; fails the test (with the child's output) when it does not within `withinMs`. */
async function waitFor(check: () => boolean | Promise<boolean>, withinMs: number, child: Child, what: string): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; child output:\n${child.output()}`);
    await sleep(10);
  }
}

const rowsIn = (out: string) => (existsSync(join(out, 'requests.csv')) ? csvRows(join(out, 'requests.csv')) : []);
const readResult = (out: string) => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;

let sim: MockServer | null = null;
let running: Child | null = null;
afterEach(async () => {
  if (running && running.process.exitCode === null && running.process.signalCode === null) running.process.kill('SIGKILL');
  running = null;
  await sim?.close();
  sim = null;
});

describe('SIGINT and SIGKILL', () => {
  it.each([
    ['SIGINT', []],
    ['SIGTERM', []],
    // The engine split over worker threads must stop the same way.
    ['SIGINT', ['--workers', '2']],
  ] as Array<[NodeJS.Signals, string[]]>)('%s %j half-way: in-flight requests finish, result.json is marked interrupted and holds every finished request', async (signal, extra) => {
    sim = await startMockServer({ port: 0, ttftMs: 50, itlMs: 20, outputTokens: 40 });
    const out = tempDir(`llmperf-${signal.toLowerCase()}-`);
    const child = (running = startCli(['--url', sim.url, '-c', '4', '-n', '200', '--out', out, '--quiet', '--grace', '20s', ...extra]));
    await waitFor(() => rowsIn(out).length >= 8, 30_000, child, '8 finished requests');
    const rowsAtSignal = rowsIn(out).length;
    child.process.kill(signal);
    const { code } = await child.exited;
    expect(code, child.output()).toBe(EXIT_INTERRUPTED);

    const result = readResult(out);
    const s = result.summary;
    expect(result.interrupted).toBe(true);
    expect(s.sent).toBeLessThan(200);
    expect(s.succeeded + s.failed + s.cancelled).toBe(s.sent);
    // The grace period was long enough: what was in flight at the signal finished instead of being cancelled.
    expect(s.cancelled).toBe(0);
    expect(s.failed).toBe(0);
    expect(s.succeeded).toBeGreaterThan(rowsAtSignal);
    // Every finished request is in requests.csv, once.
    const rows = rowsIn(out);
    expect(rows).toHaveLength(s.sent);
    expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(s.sent);
    // Sent means sent: the server saw exactly those requests, and nothing after the stop.
    expect((await sim.stats()).requests).toBe(s.sent);
  });

  it('a second SIGINT cancels at once (long before the grace period) and still writes the result', async () => {
    // 10 s per response: the grace period (30 s) would wait for them; the second signal must not.
    sim = await startMockServer({ port: 0, ttftMs: 50, itlMs: 200, outputTokens: 50 });
    const out = tempDir('llmperf-sigint2-');
    const child = (running = startCli(['--url', sim.url, '-c', '4', '-n', '8', '--out', out, '--quiet', '--grace', '30s']));
    await waitFor(async () => (await sim!.stats()).inFlight === 4, 30_000, child, '4 requests in flight');
    await sleep(300); // some tokens arrive first, so there is something to lose
    child.process.kill('SIGINT');
    await sleep(300);
    const secondAt = performance.now();
    child.process.kill('SIGINT');
    const { code, atMs } = await child.exited;
    expect(code, child.output()).toBe(EXIT_INTERRUPTED);
    // Generous for a loaded machine; the alternative outcomes are 10 s (the responses end) or 30 s (the grace).
    expect(atMs - secondAt).toBeLessThan(5000);

    const result = readResult(out);
    expect(result.interrupted).toBe(true);
    expect(result.summary.sent).toBe(4);
    expect(result.summary.cancelled).toBe(4);
    expect(result.summary.succeeded + result.summary.failed + result.summary.cancelled).toBe(4);
    expect(rowsIn(out)).toHaveLength(4);
    expect(rowsIn(out).every((row) => row.includes(',cancelled,'))).toBe(true);
  });

  it('SIGKILL leaves requests.csv with every request that had finished', async () => {
    // Closed loop at 4 on a 64-slot server: requests run in waves of 4 that end together every ~450 ms, so there are
    // quiet moments in which no request is about to finish.
    sim = await startMockServer({ port: 0, ttftMs: 50, itlMs: 10, outputTokens: 40 });
    const out = tempDir('llmperf-sigkill-');
    const child = (running = startCli(['--url', sim.url, '-c', '4', '-n', '400', '--out', out, '--quiet']));
    let completed = 0;
    let changedAt = performance.now();
    // Kill in a quiet moment: at least 8 responses done and none for 300 ms. The log flushes within a loop turn of a
    // request ending; the quiet moment keeps the simulator's count and the client's in step (with room for a busy CI).
    await waitFor(
      async () => {
        const now = (await sim!.stats()).completed;
        if (now !== completed) {
          completed = now;
          changedAt = performance.now();
        }
        return completed >= 8 && performance.now() - changedAt >= 300;
      },
      30_000,
      child,
      'a quiet moment after 8 responses',
    );
    child.process.kill('SIGKILL');
    const { signal } = await child.exited;
    expect(signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'result.json'))).toBe(false);

    const rows = rowsIn(out);
    // Every response the server had finished (at least 300 ms before the kill) is a complete row; nothing invented.
    expect(rows.length).toBeGreaterThanOrEqual(completed);
    expect(rows.length).toBeLessThanOrEqual((await sim.stats()).completed);
    const header = readFileSync(join(out, 'requests.csv'), 'utf8').split('\n')[0]!.split(',');
    for (const row of rows) {
      expect(row.split(',')).toHaveLength(header.length);
      expect(row.split(',')[header.indexOf('ok')]).toBe('true');
    }
    expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(rows.length);
  });
});
