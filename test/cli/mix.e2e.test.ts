// End to end: --model mixes and --url replicas through the built CLI, against `llmperf mock` processes.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli, startMockCli } from '../helpers/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'llmperf-mix-'));
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
});

describe('bad --model, --url and --balance values: one line, exit 2', () => {
  it.each([
    [['--model', 'a:x,b:0.3'], /--model a:x,b:0.3: entry "a:x": "x" is not a number/],
    [['--model', 'a:0,b:1'], /weight 0 is not a positive number/],
    [['--model', 'a:-1,b:2'], /weight -1 is not a positive number/],
    [['--model', 'a,a'], /listed twice/],
    [['--url', 'http://127.0.0.1:9', '--url', 'http://127.0.0.1:9/v1'], /given twice/],
    [['--url', 'http://127.0.0.1:9', '--url', 'http://127.0.0.1:10', '--balance', 'fastest'], /--balance/],
  ])('%j', async (args, message) => {
    const run = await runCli([...args, '-n', '1', '-q'], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a replica URL with user:pass@ is refused without ever printing the password', async () => {
    const run = await runCli(['--url', 'http://127.0.0.1:9', '--url', 'http://alice:hunter2pass@127.0.0.1:10', '-n', '1'], { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/credentials in the URL are not allowed/);
    expect(run.stdout + run.stderr).not.toContain('hunter2pass');
  });
});

describe('a mix over two replicas', () => {
  it('splits every output by model and by replica, and no query secret reaches any of them', async () => {
    const one = await startMockCli(['--models', 'a,b', '--ttft', '2', '--itl', '0.5', '--output-tokens', '6']);
    const two = await startMockCli(['--models', 'a,b', '--ttft', '2', '--itl', '0.5', '--output-tokens', '6', '--model-ttft', 'b=30']);
    stops.push(one.stop, two.stop);
    const secret = 'sk-do-not-print-0123456789';
    const out = tempDir();
    const run = await runCli(
      ['--url', one.url, '--url', `${two.url}?api_key=${secret}`, '--model', 'a:0.5,b:0.5', '-n', '60', '-c', '4', '--seed', '3', '--out', out, '--format', 'table,json,csv,md,html'],
      { timeoutMs: 90_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('2 replicas (round-robin)');
    expect(run.stdout).toContain('By model');
    expect(run.stdout).toContain('By replica (URL)');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(Object.keys(result.by_model!).sort()).toEqual(['a', 'b']);
    expect(Object.keys(result.by_url!)).toEqual([one.url, `${two.url}?api_key=[redacted]`]);
    expect(result.by_url![one.url]!.summary.sent).toBe(30);
    expect(result.by_model!.a!.summary.sent + result.by_model!.b!.summary.sent).toBe(60);
    const csv = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain(',model,url,');
    expect(csv.slice(1).every((row) => /,(a|b),http:\/\/127\.0\.0\.1:\d+/.test(row))).toBe(true);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('### By replica (URL)');
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toMatch(/^by_model\.b\.ttft_ms\.p50,/m);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('id="by-model-table"');
    // Not in stdout, stderr, nor any file written.
    let everything = run.stdout + run.stderr;
    for (const file of readdirSync(out)) everything += readFileSync(join(out, file), 'utf8');
    expect(everything).not.toContain(secret);
  });
});
