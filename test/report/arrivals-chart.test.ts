// The arrivals chart of a trace replay in report.html (real headless Chromium), charts/arrivals.png and summary.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { writeReports } from '../../src/report/index.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { canvasInk, launchBrowser, openFile } from '../helpers/browser.js';
import { testConfig } from '../helpers/config.js';

describe('arrivals chart', () => {
  let browser: Browser;
  let server: MockServer;
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-arrivals-'));
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 4 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a trace replay draws its sent arrivals against the trace in HTML and PNG; summary.md gives the deviation', async () => {
    const { prompts } = loadWorkload({ dataset: 'trace', trace: { format: 'azure', speed: 8, startMs: 0, endMs: Infinity }, count: 0, seed: 0, counter: APPROX_COUNTER });
    const config = testConfig(server.url, { prompts, concurrency: 1000, requests: prompts.length, outputTokens: 4 });
    const records: RequestRecord[] = [];
    const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
    const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true, extraConfig: { trace_format: 'azure', replay_speed: 8 } });
    const files = await writeReports(dir, result, ['html', 'png', 'md'], { records });
    expect(files).toContain(join(dir, 'charts', 'arrivals.png'));

    const { page, errors } = await openFile(browser, join(dir, 'report.html'));
    expect(errors).toEqual([]);
    const arrivals = (await canvasInk(page)).find((c) => c.id === 'chart-arrivals');
    expect(arrivals).toBeDefined();
    expect(arrivals!.inked).toBeGreaterThan(arrivals!.width * arrivals!.height * 0.01);
    // The chart draws the result's own series: the trace's and the sent ones.
    const drawn = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('llmperf-data')!.textContent!) as { charts: Array<{ id: string; title: string; config: { data: { datasets: Array<{ label: string; data: number[] }> } } }> };
      return data.charts.find((c) => c.id === 'arrivals')!;
    });
    expect(drawn.title).toBe('Arrivals: sent vs the trace');
    expect(drawn.config.data.datasets.map((d) => d.data)).toEqual([result.arrivals!.scheduled, result.arrivals!.achieved]);
    expect(drawn.config.data.datasets[1]!.label).toBe(`sent (${prompts.length})`);
    await page.context().close();

    const png = readFileSync(join(dir, 'charts', 'arrivals.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain(`| requests | ${prompts.length} | ${prompts.length} | ${result.arrivals!.max_bucket_deviation} | ${result.arrivals!.max_cumulative_deviation} |`);
  });
});
