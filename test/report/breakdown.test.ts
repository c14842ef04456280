// The split tables and charts of a mix over two replicas, from a real run's result document and records.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import type { RequestRecord, ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { breakdownTables } from '../../src/report/breakdown.js';
import { buildCharts } from '../../src/report/charts.js';
import { consoleReport } from '../../src/report/console.js';
import { renderSummaryCsv } from '../../src/report/csv.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseModelMix } from '../../src/workload/model-mix.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
let result: ResultDocument;
const records: RequestRecord[] = [];

beforeAll(async () => {
  servers.push(...(await Promise.all([0, 1].map(() => startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 8, contention: 0, models: ['small', 'large'], modelTtftMs: { large: 25 } })))));
  const urls = servers.map((s) => s.url);
  const config = testConfig(urls[0]!, { target: { baseUrl: urls[0]!, model: 'small' }, models: parseModelMix('small:0.5,large:0.5'), replicas: urls, requests: 60, concurrency: 4, outputTokens: 8 });
  result = buildResult(config, await runLoad(config, { onRecord: (r) => records.push(r) }), { startedAt: new Date(), endedAt: new Date(), simulated: true });
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

it('every format has a by-model and a by-replica table whose request counts add up to the run', () => {
  const tables = breakdownTables(result);
  expect(tables.map((t) => t.key)).toEqual(['by_model', 'by_url']);
  for (const table of tables) expect(table.rows.reduce((t, row) => t + (row.values[0] ?? 0), 0)).toBe(result.summary.sent);
  const shown = consoleReport(result, 'seed');
  expect(shown).toMatch(/By model[^\n]*\n[\s\S]*\blarge\b/);
  expect(shown).toContain('By replica (URL)');
  expect(renderMarkdown(result)).toMatch(/### By model\n\n\| model \| requests \| share/);
  const csv = renderSummaryCsv(result);
  expect(csv).toMatch(new RegExp(`^by_url\\.${servers[0]!.url.replace(/[.:/]/g, '\\$&')}\\.sent,30$`, 'm'));
  // The slower model's TTFT is what the split shows.
  const values = new Map(csv.trim().split('\n').map((line) => [line.slice(0, line.lastIndexOf(',')), Number(line.slice(line.lastIndexOf(',') + 1))]));
  const ttft = (name: string) => values.get(`by_model.${name}.ttft_ms.p50`)!;
  expect(ttft('large')).toBeGreaterThan(ttft('small'));
});

it('charts draw one series per model and per replica: percentile curves beside the run\'s, and output tokens/s over time', () => {
  const charts = buildCharts(result, records);
  const ttft = charts.find((c) => c.id === 'ttft-percentiles')!;
  expect(ttft.config.data.datasets.map((d) => d.label)).toEqual(['TTFT (ms), whole run', 'model small', 'model large', `url ${servers[0]!.url}`, `url ${servers[1]!.url}`]);
  const byModel = charts.find((c) => c.id === 'throughput-by-model')!;
  expect(byModel.config.data.datasets.map((d) => d.label).sort()).toEqual(['model large', 'model small']);
  // The series carry the tokens: together they hold every output token of the run (rounded per second).
  const total = byModel.config.data.datasets.reduce((t, d) => t + (d.data as number[]).reduce((a, b) => a + b, 0), 0);
  expect(Math.abs(total - result.summary.total_output_tokens)).toBeLessThanOrEqual(byModel.config.data.datasets[0]!.data.length * 2);
  expect(charts.some((c) => c.id === 'throughput-by-url')).toBe(true);
});
