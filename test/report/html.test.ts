// report.html in real headless Chromium: charts draw, tables show the run's values, hostile text stays text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSlos, formatNumber, parseSlo } from '../../src/metrics/slo.js';
import { buildCharts, escapeHtml, renderHtml, writeReports } from '../../src/report/index.js';
import { canvasInk, launchBrowser, openFile } from '../helpers/browser.js';
import { syntheticRun, writeRequestsCsv } from './fixture.js';

const XSS = [
  `<script>window.__pwned = 'script'</script>`,
  `<img src=x onerror="window.__pwned='img';alert('img')">`,
  `"><svg onload="window.__pwned='svg'">`,
  `</script><script>window.__pwned='json'</script>`,
].join(' ');

describe('report.html in Chromium', () => {
  let browser: Browser;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-html-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart offline, without console errors, and shows the run values', async () => {
    const dir = tempDir();
    const { result, records } = syntheticRun({ failEvery: 9 });
    result.slo = evaluateSlos(result, [parseSlo('ttft_ms.p99 < 100000'), parseSlo('error_rate < 0.01')]);
    result.client.message = 'event loop delay p99 was 120 ms: the client may have been the bottleneck';
    writeRequestsCsv(dir, records);
    const [path] = await writeReports(dir, result, ['html']);
    expect(path).toBe(join(dir, 'report.html'));
    const html = readFileSync(path!, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);

    const { page, errors, requests } = await openFile(browser, path!);
    const canvases = await canvasInk(page);
    const expectedIds = buildCharts(result, records).map((c) => `chart-${c.id}`);
    expect(canvases.map((c) => c.id)).toEqual(expectedIds);
    expect(expectedIds.length).toBeGreaterThanOrEqual(13);
    expect(expectedIds).toEqual(expect.arrayContaining(['chart-ttft-percentiles', 'chart-itl-histogram', 'chart-in-flight', 'chart-vs-input-length', 'chart-errors']));
    for (const canvas of canvases) {
      expect(canvas.width, canvas.id).toBeGreaterThan(100);
      // Axes, labels and data: far more than a stray pixel; 1% of the canvas is a low bar that an empty canvas never reaches.
      expect(canvas.inked, canvas.id).toBeGreaterThan(canvas.width * canvas.height * 0.01);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    const cell = (metric: string) => page.locator(`#metrics-table tr[data-metric="${metric}"] td`).textContent();
    expect(await cell('qps')).toBe(formatNumber(result.summary.qps));
    expect(await cell('failed')).toBe(String(result.summary.failed));
    expect(await cell('output_tokens_per_s')).toBe(formatNumber(result.summary.output_tokens_per_s));
    const p99 = await page.locator('#percentile-table tr[data-metric="ttft_ms"] td[data-stat="p99"]').textContent();
    expect(p99).toBe(formatNumber(result.summary.ttft_ms.p99));
    expect(await page.locator('#slo-table tr.pass').count()).toBe(1);
    expect(await page.locator('#slo-table tr.fail').count()).toBe(1);
    expect(await page.locator('.notes').textContent()).toContain('event loop delay p99 was 120 ms');
    await page.context().close();
  });

  it('opens cleanly for a run where every request failed and no requests.csv exists', async () => {
    const dir = tempDir();
    const { result } = syntheticRun({ n: 12, failEvery: 1, errorKind: 'connect_refused' });
    result.interrupted = true;
    const [path] = await writeReports(dir, result, ['html'], { records: null });
    const { page, errors } = await openFile(browser, path!);
    expect(errors).toEqual([]);
    const canvases = await canvasInk(page);
    expect(canvases.map((c) => c.id)).toEqual(['chart-throughput', 'chart-in-flight', 'chart-errors']);
    for (const canvas of canvases) expect(canvas.inked, canvas.id).toBeGreaterThan(0);
    // Only the client queue time has values: no request produced a token.
    expect(await page.locator('#percentile-table tr[data-metric]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-metric')))).toEqual(['queue_ms']);
    const notes = await page.locator('.notes').textContent();
    expect(notes).toContain('interrupted');
    expect(notes).toContain('No requests.csv');
    expect(await page.locator('#errors-table').textContent()).toContain('connect_refused');
    await page.context().close();
  });

  it('renders hostile model names, config, error messages and extra sections as text; nothing executes', async () => {
    const dir = tempDir();
    const { result, records } = syntheticRun({ n: 60, failEvery: 3, model: XSS, errorKind: XSS, errorMessage: XSS, extraConfig: { prompt: XSS, [XSS]: 'key' } });
    result.client.message = XSS;
    result.slo = evaluateSlos(result, [parseSlo('error_rate < 0.5')]).map((o) => ({ ...o, expression: XSS }));
    writeRequestsCsv(dir, records);
    const path = join(dir, 'report.html');
    const html = renderHtml(result, records, [`<section id="extra"><h2>Eval</h2><p>${escapeHtml(XSS)}</p></section>`]);
    (await import('node:fs')).writeFileSync(path, html);

    const { page, errors, dialogs } = await openFile(browser, path);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    // The payload is visible as text where it was put, and created no elements.
    expect(await page.locator('h1').textContent()).toContain(`<img src=x onerror=`);
    expect(await page.locator('#errors-table').textContent()).toContain(`<script>window.__pwned = 'script'</script>`);
    expect(await page.locator('#configuration').textContent()).toContain('</script><script>');
    expect(await page.locator('#extra p').textContent()).toContain('<svg onload=');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('svg').count()).toBe(0);
    // Exactly the three scripts the report ships: chart.js, the JSON island, the boot script.
    expect(await page.locator('script').count()).toBe(3);
    const canvases = await canvasInk(page);
    for (const canvas of canvases) expect(canvas.inked, canvas.id).toBeGreaterThan(0);
    await page.context().close();
  });
});
