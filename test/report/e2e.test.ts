// End to end: real runs of the built CLI against its simulator, then every report format, `report`, `compare` and SLO exit codes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareCommand } from '../../src/cli/compare.js';
import { reportCommand } from '../../src/cli/report.js';
import { EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE } from '../../src/errors.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { readRequestRecords } from '../../src/report/requests-file.js';
import { runCli } from '../helpers/cli.js';
import { canvasInk, launchBrowser, openFile } from '../helpers/browser.js';

const root = mkdtempSync(join(tmpdir(), 'llmperf-report-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = (name: string) => join(root, name);

/** Short answers keep each run to a few seconds on a shared 2-core machine. */
const SHORT = ['--sim-output-tokens', '8', '--sim-itl', '5', '-q'];

/** Runs one of our commander commands in-process, as main.ts would, and returns its exit code and stdout. */
async function runCommand(command: ReturnType<typeof compareCommand>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await command.parseAsync(args, { from: 'user' });
    return { code: Number(process.exitCode ?? 0), stdout: log.mock.calls.map((c) => c.join(' ')).join('\n'), stderr: error.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    process.exitCode = previous;
    log.mockRestore();
    error.mockRestore();
  }
}

describe('a real run renders every format', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('writes table, json, csv, md, html and png; the HTML opens offline and draws every chart', async () => {
    const out = dir('full');
    const run = await runCli(['-n', '200', '-c', '16', '--sim-output-tokens', '16', '--format', 'table,json,csv,md,html,png', '--out', out], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(EXIT_OK);
    for (const name of ['result.json', 'requests.csv', 'summary.csv', 'summary.md', 'report.html']) expect(existsSync(join(out, name)), name).toBe(true);
    const pngs = readdirSync(join(out, 'charts'));
    for (const name of ['ttft-percentiles.png', 'latency-histogram.png', 'tpot-percentiles.png', 'itl-histogram.png', 'throughput.png', 'in-flight.png', 'vs-input-length.png']) {
      expect(pngs).toContain(name);
    }
    // No request failed: no empty "Errors over time" grid; every reply is 16 tokens: no scatter against a constant.
    expect(pngs).not.toContain('errors.png');
    expect(pngs).not.toContain('vs-output-length.png');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(readRequestRecords(join(out, 'requests.csv'))).toHaveLength(200);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`| Succeeded | 200 |`);

    const { page, errors, requests } = await openFile(browser, join(out, 'report.html'));
    const canvases = await canvasInk(page);
    expect(canvases.length).toBe(pngs.length);
    for (const canvas of canvases) expect(canvas.inked, canvas.id).toBeGreaterThan(canvas.width * canvas.height * 0.01);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#metrics-table tr[data-metric="succeeded"] td').textContent()).toBe(String(result.summary.succeeded));
    await page.context().close();

    // `llmperf report` re-renders from the saved run into another folder, request records included.
    const again = dir('again');
    const report = await runCommand(reportCommand(), [join(out, 'result.json'), '--format', 'md,html,png', '--out', again]);
    expect(report.code, report.stderr).toBe(EXIT_OK);
    expect(readFileSync(join(again, 'summary.md'), 'utf8')).toBe(renderMarkdown(result));
    expect(readFileSync(join(again, 'report.html'), 'utf8')).toContain('chart-vs-input-length');
    expect(readdirSync(join(again, 'charts')).sort()).toEqual([...pngs].sort());
    expect((await runCommand(reportCommand(), [join(out, 'result.json'), '--format', 'pdf'])).code).toBe(EXIT_USAGE);
    expect((await runCommand(reportCommand(), [join(root, 'missing.json')])).code).toBe(EXIT_USAGE);
  });
});

describe('compare on simulator runs', () => {
  beforeAll(async () => {
    // Two runs with the same settings, side by side so that whatever else loads this shared machine loads both
    // alike (run-to-run drift is noise no within-run interval sees), then one whose simulated TTFT is 3x longer.
    // TTFT 200 ms keeps scheduling delays of a few ms on a busy 2-core machine well under the 5% minimum effect.
    const args = (name: string, ttftMs: string, seed: string) => ['-n', '120', '-c', '8', '--warmup', '8', '--sim-ttft', ttftMs, '--seed', seed, '--out', dir(name), ...SHORT];
    const runs = await Promise.all([runCli(args('base', '200', '1')), runCli(args('same', '200', '2'))]);
    runs.push(await runCli(args('slow', '600', '3')));
    for (const run of runs) expect(run.code, run.stderr).toBe(EXIT_OK);
  });

  // The median: a shared machine moves TTFT tails of 120 requests by 10-20% between identical runs (measured), the median by a few %.
  const FAIL_ON = ['--fail-on', 'ttft_ms.p50 > +25%', '--fail-on', 'failed > 0'];

  it('detects a TTFT regression and exits 1', async () => {
    const compared = await runCommand(compareCommand(), [dir('base'), dir('slow'), ...FAIL_ON, '--format', 'json']);
    expect(compared.code).toBe(EXIT_THRESHOLD);
    const json = JSON.parse(compared.stdout);
    const p50 = json.rows.find((r: { metric: string }) => r.metric === 'ttft_ms.p50');
    expect(p50.significance).toMatchObject({ source: 'samples', significant: true });
    expect(p50.delta).toBeGreaterThan(300);
    expect(json.fail_on[0]).toMatchObject({ expression: 'ttft_ms.p50 > +25%', crossed: true });
    expect(json.fail_on[1]).toMatchObject({ expression: 'failed > 0', crossed: false });
  });

  it('reports no significant change between runs with the same settings and exits 0', async () => {
    const compared = await runCommand(compareCommand(), [dir('base'), dir('same'), ...FAIL_ON, '--format', 'json']);
    expect(compared.code).toBe(EXIT_OK);
    const json = JSON.parse(compared.stdout);
    for (const metric of ['ttft_ms.p50', 'latency_ms.p50', 'tpot_ms.p50']) {
      const row = json.rows.find((r: { metric: string }) => r.metric === metric);
      expect(row.significance.significant, `${metric}: ${JSON.stringify(row)}`).toBe(false);
    }
    const md = await runCommand(compareCommand(), [dir('base'), dir('same'), ...FAIL_ON, '--format', 'md']);
    expect(md.code).toBe(EXIT_OK);
    expect(md.stdout).toContain('**Result: passed**');
  });

  it('exits 2 on a bad --fail-on or a file that is not a result', async () => {
    expect((await runCommand(compareCommand(), [dir('base'), dir('same'), '--fail-on', 'ttft_ms.p99 >> 3'])).code).toBe(EXIT_USAGE);
    expect((await runCommand(compareCommand(), [join(dir('base'), 'requests.csv'), dir('same')])).code).toBe(EXIT_USAGE);
  });

  it('SLOs during a run: met exits 0, missed exits 1, and the result records which held', async () => {
    const [met, missed] = await Promise.all([
      runCli(['-n', '40', '-c', '8', '--slo', 'ttft_ms.p99 < 5000', '--slo', 'error_rate < 0.01', '--out', dir('slo-met'), ...SHORT]),
      runCli(['-n', '40', '-c', '8', '--slo', 'ttft_ms.p99 < 1', '--slo', 'error_rate < 0.01', '--out', dir('slo-missed'), ...SHORT]),
    ]);
    expect(met.code, met.stderr).toBe(EXIT_OK);
    expect(missed.code, missed.stderr).toBe(EXIT_THRESHOLD);
    const slo = JSON.parse(readFileSync(join(dir('slo-missed'), 'result.json'), 'utf8')).slo;
    expect(slo.map((o: { passed: boolean }) => o.passed)).toEqual([false, true]);
  });
});

describe('a run killed with SIGKILL', () => {
  it('leaves a requests.csv whose every complete row reads back', async () => {
    const out = dir('killed');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [CLI, '-n', '5000', '-c', '4', '--out', out, ...SHORT], { stdio: 'ignore' });
    const csv = join(out, 'requests.csv');
    const deadline = Date.now() + 30_000;
    // Wait (bounded) until some requests have finished, then kill mid-run.
    while (Date.now() < deadline && (!existsSync(csv) || readFileSync(csv, 'utf8').split('\n').length < 30)) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const text = readFileSync(csv, 'utf8');
    const completeRows = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').length - 2; // minus header and the final empty piece
    const records = readRequestRecords(csv);
    expect(completeRows).toBeGreaterThanOrEqual(28);
    expect(records).toHaveLength(completeRows);
    expect(new Set(records.map((r) => r.index)).size).toBe(records.length);
    for (const record of records) expect(record.ok && record.ttft_ms !== null && record.latency_ms! >= record.ttft_ms!).toBe(true);
    expect(existsSync(join(out, 'result.json'))).toBe(false);
  });
});
