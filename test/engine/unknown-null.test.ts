// Counters the run does not know are null in the result document, never 0, and every report copes with them.
import { afterEach, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { mergeResults } from '../../src/metrics/merge.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { consoleReport } from '../../src/report/console.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { flatMetrics } from '../../src/report/tables.js';
import { testConfig } from '../helpers/config.js';
import { closedPort } from '../helpers/servers.js';

let mock: MockServer | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});

describe('unknown is null', () => {
  it("client.event_loop_delay_ms: the monitor's p50, p99 and max are numbers; mean, stdev, min, p90, p95, p999 and count are null", async () => {
    mock = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 4 });
    const config = testConfig(mock.url, { requests: 8, concurrency: 2 });
    const result = buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true });
    const loop = result.client.event_loop_delay_ms!;
    for (const field of ['p50', 'p99', 'max'] as const) expect(typeof loop[field], field).toBe('number');
    for (const field of ['mean', 'stdev', 'min', 'p90', 'p95', 'p999', 'count'] as const) expect(loop[field], field).toBeNull();
    // Merging shards keeps unknown fields unknown (the max of nothing is not 0).
    const merged = mergeResults([result, structuredClone(result)]);
    expect(merged.client.event_loop_delay_ms!.p90).toBeNull();
    expect(merged.client.event_loop_delay_ms!.p99).toBe(loop.p99);
  });

  it('a run where nothing succeeded has empty distributions (count 0, statistics null) and null per-request means; reports render them as "-"', async () => {
    const port = await closedPort();
    const config = testConfig(`http://127.0.0.1:${port}`, { requests: 3, concurrency: 1 });
    const result = buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: false });
    expect(result.summary.failed).toBe(3);
    expect(result.summary.ttft_ms).toMatchObject({ count: 0, p50: null, p99: null, mean: null, max: null });
    expect(result.summary.packages_per_request).toBeNull();
    expect(result.summary.output_tokens_per_request).toBeNull();
    const text = consoleReport(result);
    // Nothing succeeded: the console gives the one-line diagnosis instead of a table of dashes.
    expect(text).toMatch(/^All 3 requests failed; most often connection_refused \(3\)/);
    expect(text).not.toContain('null');
    expect(renderMarkdown(result)).not.toMatch(/\bnull\b/);
    expect(renderHtml(result, null)).toContain('<html');
    expect(flatMetrics(result).every(([, value]) => typeof value === 'number')).toBe(true);
  });
});
