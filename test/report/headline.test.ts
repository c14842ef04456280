// report.html read at a glance, in real headless Chromium: the headline on the first screen, no empty chart, no raw nulls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSlos, formatNumber, parseSlo } from '../../src/metrics/slo.js';
import { buildCharts, writeReports } from '../../src/report/index.js';
import { errorColor } from '../../src/report/charts.js';
import { canvasInk, launchBrowser, openFile } from '../helpers/browser.js';
import { syntheticRun, writeRequestsCsv } from './fixture.js';

describe('report.html headline', () => {
  let browser: Browser;
  const dirs: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function open(run: ReturnType<typeof syntheticRun>) {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-headline-'));
    dirs.push(dir);
    writeRequestsCsv(dir, run.records);
    await writeReports(dir, run.result, ['html'], { records: run.records });
    const opened = await openFile(browser, join(dir, 'report.html'));
    await opened.page.setViewportSize({ width: 1400, height: 900 });
    return opened;
  }

  it('puts every headline figure within the first 1400x900 screen, with the run values', async () => {
    const run = syntheticRun({ n: 300, seed: 3, failEvery: 50 });
    run.result.slo = evaluateSlos(run.result, [parseSlo('ttft_ms.p99 < 100000'), parseSlo('error_rate < 0.001')]);
    const { page, errors } = await open(run);
    const ids = await page.locator('#headline [data-headline]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-headline')));
    expect(ids).toEqual(['ttft-p50', 'ttft-p99', 'tpot-p50', 'tpot-p99', 'itl-p99', 'e2e-p99', 'output-tps', 'rps', 'errors', 'slo', 'client']);
    const box = await page.locator('#headline').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeLessThan(200);
    expect(box!.y + box!.height).toBeLessThanOrEqual(900);
    const value = (id: string) => page.locator(`[data-headline="${id}"] .value`).textContent();
    expect(await value('ttft-p99')).toBe(`${formatNumber(run.result.summary.ttft_ms.p99)} ms`);
    expect(await value('tpot-p50')).toBe(`${formatNumber(run.result.summary.tpot_ms.p50)} ms`);
    expect(await value('errors')).toContain(String(run.result.summary.failed));
    expect(await value('slo')).toBe('1 of 2 missed');
    expect(await page.locator('[data-headline="slo"]').getAttribute('class')).toContain('bad');
    expect(await value('client')).toBe('kept up');
    // The headline comes before the charts, and the charts before the tables.
    const order = await page.evaluate(() => ['headline', 'charts', 'percentiles', 'metrics', 'configuration'].map((id) => document.getElementById(id)!.getBoundingClientRect().top));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(errors).toEqual([]);
  });

  it('draws no empty chart, no errors chart without errors, no scatter against a constant, and no raw null or []', async () => {
    const run = syntheticRun({ n: 200, seed: 4 });
    for (const record of run.records) record.output_tokens = 64; // every reply the same length
    const { page, errors } = await open(run);
    const canvases = await canvasInk(page);
    const ids = canvases.map((c) => c.id);
    expect(ids).not.toContain('chart-errors');
    expect(ids).not.toContain('chart-vs-output-length');
    expect(ids).toContain('chart-vs-input-length');
    for (const canvas of canvases) expect(canvas.inked, canvas.id).toBeGreaterThan(canvas.width * canvas.height * 0.01);
    const config = (await page.locator('#configuration').textContent())!;
    expect(config).not.toMatch(/\bnull\b|\[\]|\{\}/);
    // Zero rows are hidden and named in one line.
    expect(await page.locator('#metrics-table tr[data-metric="cancelled"]').count()).toBe(0);
    expect(await page.locator('#metrics .hidden-rows').textContent()).toMatch(/^Not shown, 0 or not applicable in this run: .*cancelled/);
    expect(errors).toEqual([]);
  });

  it('gives each error kind one warm colour, the same in every chart', () => {
    const run = syntheticRun({ n: 200, seed: 5, failEvery: 10, errorKind: 'stream_cut' });
    const errorsChart = buildCharts(run.result, run.records).find((c) => c.id === 'errors')!;
    const dataset = errorsChart.config.data.datasets[0] as { label: string; backgroundColor: string };
    expect(dataset.label).toBe('stream_cut');
    expect(dataset.backgroundColor).toBe(errorColor('stream_cut'));
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(errorColor('stream_cut').slice(i, i + 2), 16));
    expect(r).toBeGreaterThan(g!); // never green
    expect(r).toBeGreaterThan(b!);
    expect(errorColor('some_new_kind')).toBe(errorColor('some_new_kind'));
  });
});
