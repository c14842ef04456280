// Nothing measured is lost or mixed up: --out folders holding results are refused without --overwrite, every run
// has an id in result.json and requests.csv, `report` refuses a pair whose ids differ, and sweep/merge keep working.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../../src/errors.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { csvRows } from '../../src/report/requests-file.js';
import { freshOutDir, makeOutDir } from '../../src/util/out-dir.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../reliability/helpers.js';

const FAST = ['-n', '4', '-c', '2', '--sim-ttft', '1', '--sim-itl', '1', '--sim-output-tokens', '4', '--format', 'json', '-q'];
const errorLines = (stderr: string) => stderr.trim().split('\n').filter((line) => line.trim() !== '' && !line.includes('--debug'));

const runIdOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultDocument).run_id;
function csvRunIds(dir: string, last = true): string[] {
  const [header, ...rows] = csvRows(readFileSync(join(dir, 'requests.csv'), 'utf8'));
  const column = header!.indexOf('run_id');
  expect(column).toBeGreaterThan(0);
  if (last) expect(column).toBe(header!.length - 1); // a new column goes at the end (merge adds `shard` after it)
  return rows.map((row) => row[column]!);
}

describe('--out and run ids', () => {
  const root = tempDir('llmperf-outdir-');
  const out = join(root, 'run');

  it('a run writes one id into result.json and every row of requests.csv', async () => {
    const run = await runCli(['--out', out, ...FAST]);
    expect(run.code, run.stderr).toBe(0);
    const id = runIdOf(out);
    expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(csvRunIds(out)).toEqual([id, id, id, id]);
  });

  it('a second run into the same folder is refused in one line naming --overwrite, and nothing is touched', async () => {
    const before = readFileSync(join(out, 'requests.csv'), 'utf8');
    const run = await runCli(['--out', out, ...FAST]);
    expect(run.code, run.stderr).toBe(EXIT_USAGE);
    expect(errorLines(run.stderr)).toEqual([`llmperf: --out ${out}: already holds results (${join(out, 'result.json')}); pass --overwrite to replace them, or choose another folder`]);
    expect(readFileSync(join(out, 'requests.csv'), 'utf8')).toBe(before);
  });

  it('with --overwrite the run replaces them, under a new id', async () => {
    const first = runIdOf(out);
    const run = await runCli(['--out', out, '--overwrite', ...FAST]);
    expect(run.code, run.stderr).toBe(0);
    expect(runIdOf(out)).not.toBe(first);
    expect(new Set(csvRunIds(out))).toEqual(new Set([runIdOf(out)]));
  });

  it('report refuses a result.json beside another run\'s requests.csv', async () => {
    const other = join(root, 'other');
    expect((await runCli(['--out', other, ...FAST])).code).toBe(0);
    const mixed = join(root, 'mixed');
    mkdirSync(mixed);
    copyFileSync(join(out, 'result.json'), join(mixed, 'result.json'));
    copyFileSync(join(other, 'requests.csv'), join(mixed, 'requests.csv'));
    const run = await runCli(['report', mixed, '--format', 'md']);
    expect(run.code, run.stderr).toBe(EXIT_USAGE);
    expect(errorLines(run.stderr)).toEqual([
      `llmperf: ${join(mixed, 'result.json')}: run ${runIdOf(out)}, but ${join(mixed, 'requests.csv')} belongs to run ${runIdOf(other)}; they were not written by the same run (rerun, or move one of them away)`,
    ]);
    // The matching pair renders.
    expect((await runCli(['report', other, '--format', 'md'])).code).toBe(0);
  });

  it('merge gives the merged result its own id, refuses a folder holding results, and its output reports', async () => {
    const merged = join(root, 'merged');
    const first = await runCli(['merge', out, join(root, 'other'), '--out', merged, '--format', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const id = runIdOf(merged)!;
    expect([runIdOf(out), runIdOf(join(root, 'other'))]).not.toContain(id);
    const rows = csvRunIds(merged, false);
    expect(rows).toHaveLength(8);
    expect(new Set(rows)).toEqual(new Set([id]));
    expect((await runCli(['report', merged, '--format', 'md'])).code).toBe(0);
    const again = await runCli(['merge', out, '--out', merged, '--format', 'json']);
    expect(again.code).toBe(EXIT_USAGE);
    expect(again.stderr).toContain('pass --overwrite');
    expect((await runCli(['merge', out, '--out', merged, '--format', 'json', '--overwrite'])).code).toBe(0);
  });

  it('a sweep checks its whole folder once; its stages (and their warm-up) run inside it', async () => {
    const sweep = join(root, 'sweep');
    const args = ['sweep', '--concurrency', '1,2', '--out', sweep, ...FAST];
    const first = await runCli(args, { timeoutMs: 90_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(runIdOf(join(sweep, 'concurrency-2'))).toMatch(/^\d{8}-/);
    const again = await runCli(args, { timeoutMs: 90_000 });
    expect(again.code).toBe(EXIT_USAGE);
    expect(again.stderr).toContain('pass --overwrite');
    expect((await runCli([...args, '--overwrite'], { timeoutMs: 90_000 })).code).toBe(0);
  });
});

describe('output folders', () => {
  it('a default folder already holding results gets a fresh sibling, never overwritten', () => {
    const base = join(tempDir('llmperf-fresh-'), 'reports', '20261202-041500-model');
    expect(freshOutDir(base)).toBe(base);
    makeOutDir(base);
    expect(freshOutDir(base)).toBe(base); // empty: nothing to lose
    copyFileSync(join(import.meta.dirname, '..', '..', 'package.json'), join(base, 'result.json'));
    expect(freshOutDir(base)).toBe(`${base}-2`);
  });

  it('report and eval with --out under /proc: one line, exit 2, at once', async () => {
    const dir = join(tempDir('llmperf-proc-'), 'run');
    expect((await runCli(['--out', dir, ...FAST])).code).toBe(0);
    for (const args of [['report', dir, '--format', 'md', '--out', '/proc/llmperf-x'], ['eval', '--datasets', 'gsm8k', '--limit', '1', '--out', '/proc/llmperf-x']]) {
      const run = await runCli(args, { timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(EXIT_USAGE);
      expect(errorLines(run.stderr).filter((line) => line.startsWith('llmperf:'))).toEqual(['llmperf: --out /proc/llmperf-x: cannot write there (ENOENT); choose a folder you can write to']);
    }
  });

  it('a folder under /proc fails at once instead of spinning', () => {
    const started = performance.now();
    expect(() => makeOutDir('/proc/llmperf-no/such/place')).toThrow('--out /proc/llmperf-no/such/place: cannot write there (ENOENT)');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
