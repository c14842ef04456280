// `llmperf merge` of shards that ran a mix over replicas: by_model and by_url merge exactly, or are left out with a note.
import { afterAll, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { mergeResults } from '../../src/metrics/merge.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { parseModelMix } from '../../src/workload/model-mix.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function shard(urls: string[], seed: number, mix: string): Promise<ResultDocument> {
  const config: LoadConfig = testConfig(urls[0]!, { replicas: urls, models: parseModelMix(mix), target: { baseUrl: urls[0]!, model: 'a' }, requests: 40, concurrency: 4, outputTokens: 6, seed });
  return buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true });
}

it('two shards merge by_model and by_url exactly: counts add, histograms add bucket by bucket', async () => {
  const started = await Promise.all([0, 1].map(() => startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, outputTokens: 6, contention: 0, models: ['a', 'b'] })));
  servers.push(...started);
  const urls = started.map((s) => s.url);
  const parts = [await shard(urls, 1, 'a:0.6,b:0.4'), await shard(urls, 2, 'a:0.6,b:0.4')];
  const merged = mergeResults(parts);
  for (const key of ['by_model', 'by_url'] as const) {
    for (const name of Object.keys(parts[0]![key]!)) {
      const entry = merged[key]![name]!;
      expect(entry.summary.sent).toBe(parts[0]![key]![name]!.summary.sent + parts[1]![key]![name]!.summary.sent);
      const direct = decodeHistogram(parts[0]![key]![name]!.histograms.ttft_ms!);
      direct.add(decodeHistogram(parts[1]![key]![name]!.histograms.ttft_ms!));
      expect(entry.summary.ttft_ms.p99).toBe(Math.round(direct.getValueAtPercentile(99)) / 1000);
      expect(entry.summary.ttft_ms.count).toBe(direct.totalCount);
    }
    const total = Object.values(merged[key]!).reduce((t, e) => t + e.summary.succeeded, 0);
    expect(total).toBe(merged.summary.succeeded);
  }
  // Merging one result gives its breakdown back.
  expect(mergeResults([parts[0]!]).by_model!.a!.summary.sent).toBe(parts[0]!.by_model!.a!.summary.sent);
  // A shard that ran a single model cannot add up to a by_model: left out, and the merged result says why.
  const single = await shard(urls, 3, 'a');
  const mixed = mergeResults([parts[0]!, single]);
  expect(mixed.by_model).toBeUndefined();
  expect(mixed.by_url).toBeDefined();
  expect(mixed.merged.notes.join(' ')).toMatch(/by_model: only 1 of 2 inputs have it/);
});
