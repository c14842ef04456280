// `llmperf --server-metrics` through the real CLI: the series land in result.json and report.html draws them in Chromium.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMetricsDocument } from '../../src/engine/server-metrics.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { canvasInk, chromiumAvailable, launchBrowser, openFile } from '../helpers/browser.js';
import { runCli, startMockCli } from '../helpers/cli.js';

let mock: Awaited<ReturnType<typeof startMockCli>>;
const out = mkdtempSync(join(tmpdir(), 'llmperf-server-metrics-'));
let result: ResultDocument;

beforeAll(async () => {
  mock = await startMockCli(['--ttft', '50', '--itl', '20', '--output-tokens', '40']);
  // 12 at a time, 72 requests of ~0.9 s: about 5 s, so about 6 scrapes at one a second.
  const run = await runCli(['--url', mock.url, '-c', '12', '-n', '72', '--server-metrics', mock.url, '--format', 'json,html', '--quiet', '--out', out], { timeoutMs: 90_000 });
  expect(run.code, run.stderr).toBe(0);
  result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
}, 120_000);
afterAll(async () => mock?.stop());

describe('llmperf --server-metrics', () => {
  it("stores the server's series: requests running rise to the run's concurrency and fall back to 0", () => {
    const metrics = result.server_metrics as ServerMetricsDocument;
    expect(metrics.url).toBe(`${mock.url}/metrics`);
    expect(metrics.interval_ms).toBe(1000);
    expect(metrics.scrapes).toBeGreaterThanOrEqual(3);
    const running = metrics.series['vllm:num_requests_running']!.map(([, v]) => v);
    expect(Math.max(...running)).toBe(12);
    expect(running.at(-1)).toBe(0);
    expect(result.config.server_metrics_url).toBe(metrics.url);
  });

  it.skipIf(!chromiumAvailable())('report.html draws the server charts next to the client charts, offline and without errors', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="server-metrics"');
    const browser = await launchBrowser();
    try {
      const { page, errors, requests } = await openFile(browser, join(out, 'report.html'));
      await page.waitForTimeout(300);
      const ink = await canvasInk(page);
      const byId = new Map(ink.map((c) => [c.id, c.inked]));
      for (const id of ['chart-server-requests', 'chart-server-kv-cache', 'chart-server-preemptions', 'chart-server-tokens', 'chart-in-flight']) {
        expect(byId.get(id), id).toBeGreaterThan(500);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
