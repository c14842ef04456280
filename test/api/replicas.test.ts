// The library call with several replicas: every one pre-flighted, each one's /metrics scraped, both kept in the result.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runLoad } from '../../src/api/run-load.js';
import { sweep } from '../../src/api/sweep.js';
import { mergeResults } from '../../src/metrics/merge.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { TargetError } from '../../src/errors.js';
import { closedPort } from '../helpers/servers.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

type Scraped = { url: string; scrapes: number; series: Record<string, Array<[number, number]>> };
const last = (metrics: Scraped, name: string) => metrics.series[name]!.at(-1)![1];

it('--server-metrics once per replica: each replica\'s counters are scraped and kept, and agree with by_url', async () => {
  const two = await Promise.all([0, 1].map(() => startMockServer({ port: 0, ttftMs: 5, itlMs: 2, outputTokens: 20, contention: 0 })));
  servers.push(...two);
  const out = mkdtempSync(join(tmpdir(), 'llmperf-replicas-api-'));
  const result = await runLoad({
    url: two.map((s) => s.url),
    model: 'llmperf-sim',
    requests: 40,
    concurrency: 4,
    outputTokens: 20,
    serverMetrics: two.map((s) => `${s.url}/metrics`),
    format: ['json', 'html'],
    out,
  });
  const all = [result.server_metrics as Scraped, ...(result.server_metrics_more as Scraped[])];
  expect(all.map((m) => m.url)).toEqual(two.map((s) => `${s.url}/metrics`));
  // The final scrape, after the run, saw each replica's own completed requests: half of the run each.
  for (const [i, metrics] of all.entries()) {
    expect(metrics.scrapes).toBeGreaterThan(0);
    expect(last(metrics, 'vllm:request_success_total')).toBe(result.by_url![two[i]!.url]!.summary.succeeded);
  }
  expect(result.config.urls).toEqual(two.map((s) => s.url));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).toContain('id="server-metrics-1"');
  expect(html).toContain('id="server-metrics-2"');
  expect(html).toContain('id="by-url-table"');
  // A merge keeps both endpoints.
  const merged = mergeResults([result]);
  expect([merged.server_metrics, ...((merged.server_metrics_more as Scraped[]) ?? [])].map((m) => (m as Scraped).url).sort()).toEqual(all.map((m) => m.url).sort());
});

it('an unreachable replica stops the run before any load, naming it', async () => {
  const [up] = await Promise.all([startMockServer({ port: 0 })]);
  servers.push(up!);
  const down = `http://127.0.0.1:${await closedPort()}`;
  const out = mkdtempSync(join(tmpdir(), 'llmperf-replicas-api-'));
  await expect(runLoad({ url: [up!.url, down], model: 'llmperf-sim', requests: 4, out })).rejects.toThrow(TargetError);
  await expect(runLoad({ url: [up!.url, down], model: 'llmperf-sim', requests: 4, out: `${out}/2` })).rejects.toThrow(new RegExp(down.replace(/[.:/]/g, '\\$&')));
  expect((await up!.stats()).requests).toBe(0);
});

it('a sweep over replicas spreads every stage over them and --reset-cache empties each replica\'s cache before each stage', async () => {
  const two = await Promise.all([0, 1].map(() => startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, outputTokens: 6, contention: 0, prefixCacheTokens: 100_000 })));
  servers.push(...two);
  const out = mkdtempSync(join(tmpdir(), 'llmperf-replicas-sweep-'));
  const document = await sweep({ url: two.map((s) => s.url), model: 'llmperf-sim', concurrency: [1, 2], requests: 8, outputTokens: 6, cooldown: 0, resetCache: '/reset_prefix_cache', format: ['json'], out });
  expect(document.stages).toHaveLength(2);
  for (const server of two) {
    const stats = await server.stats();
    expect(stats.cacheResets).toBe(2);
    // Half of each stage's requests (round robin), warm-up included when the sweep sends one.
    expect(stats.requests).toBeGreaterThanOrEqual(8);
  }
});
