// A --model mix against the simulator serving those models: shares, per-request models, by_model adding up, workers.
import { afterAll, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import { WorkerRun } from '../../src/engine/workers/pool.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RequestRecord, ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { parseModelMix } from '../../src/workload/model-mix.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function simulator(options: Parameters<typeof startMockServer>[0] = {}): Promise<MockServer> {
  const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, outputTokens: 6, contention: 0, models: ['a', 'b', 'c'], ...options });
  servers.push(server);
  return server;
}

const mixConfig = (url: string, overrides: Partial<LoadConfig> = {}): LoadConfig =>
  testConfig(url, { target: { baseUrl: url, model: 'a' }, models: parseModelMix('a:0.5,b:0.3,c:0.2'), concurrency: 16, requests: 400, outputTokens: 6, ...overrides });

const doc = (config: LoadConfig, outcome: Awaited<ReturnType<typeof runLoad>>): ResultDocument =>
  buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });

it('sends each model its weight (within 3 sigma, counted by the server), records each request\'s model, and by_model adds up', async () => {
  const server = await simulator();
  const records: RequestRecord[] = [];
  const config = mixConfig(server.url);
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  const result = doc(config, outcome);
  const stats = await server.stats();
  const n = 400;
  // Server-side truth: what each model name was asked for.
  expect(Object.values(stats.requestsByModel).reduce((a, b) => a + b, 0)).toBe(n);
  for (const { name, weight } of config.models!) {
    const seen = stats.requestsByModel[name] ?? 0;
    expect(Math.abs(seen - n * weight)).toBeLessThan(3 * Math.sqrt(n * weight * (1 - weight)));
    // The client's per-request records and by_model say the same as the server.
    expect(records.filter((r) => r.model === name).length).toBe(seen);
    expect(result.by_model![name]!.summary.sent).toBe(seen);
  }
  expect(result.by_url).toBeUndefined();
  expect(result.config.model).toBe('a:0.5,b:0.3,c:0.2');
  // The parts add up to the whole: counts, tokens, histogram counts and throughput (rates share the run's window).
  const parts = Object.values(result.by_model!);
  const sum = (f: (s: ResultDocument['summary']) => number) => parts.reduce((total, e) => total + f(e.summary), 0);
  expect(sum((s) => s.succeeded)).toBe(result.summary.succeeded);
  expect(sum((s) => s.total_output_tokens)).toBe(result.summary.total_output_tokens);
  expect(sum((s) => s.ttft_ms.count)).toBe(result.summary.ttft_ms.count);
  expect(sum((s) => s.itl_ms.count)).toBe(result.summary.itl_ms.count);
  expect(sum((s) => s.output_tokens_per_s)).toBeCloseTo(result.summary.output_tokens_per_s, 0);
  // Exactly: the whole run's ITL histogram is the sum of the models' bucket by bucket.
  const whole = decodeHistogram(result.histograms.itl_ms!);
  const added = decodeHistogram(parts[0]!.histograms.itl_ms!);
  for (const part of parts.slice(1)) added.add(decodeHistogram(part.histograms.itl_ms!));
  for (const p of [50, 90, 99, 99.9]) expect(added.getValueAtPercentile(p)).toBe(whole.getValueAtPercentile(p));
});

it('the same seed assigns the same model to every request index; another seed assigns differently', async () => {
  const server = await simulator();
  const assignment = async (seed: number) => {
    const byIndex: string[] = [];
    await runLoad(mixConfig(server.url, { seed, requests: 120 }), { onRecord: (r) => (byIndex[r.index] = r.model!) });
    return byIndex;
  };
  const first = await assignment(5);
  expect(await assignment(5)).toEqual(first);
  expect(await assignment(6)).not.toEqual(first);
});

it('a model the simulator makes slower shows in its own TTFT, not in the others\'', async () => {
  const server = await simulator({ modelTtftMs: { b: 60 } });
  const config = mixConfig(server.url, { requests: 90, concurrency: 4, models: parseModelMix('a,b') });
  const result = doc(config, await runLoad(config));
  const a = result.by_model!.a!.summary.ttft_ms;
  const b = result.by_model!.b!.summary.ttft_ms;
  // Every b request waited its 60 ms; Node's timers round to whole milliseconds, so one may fire up to 1 ms early (CI read 59.97).
  expect(b.min!).toBeGreaterThan(59);
  // The split is what shows it: the medians differ by about the 58 ms of extra prefill (machine lag adds to both).
  expect(b.p50! - a.p50!).toBeGreaterThan(30);
});

it('--workers 2 draws the same model per request index as one thread, and carries by_model merged exactly', async () => {
  const server = await simulator();
  const config = mixConfig(server.url, { requests: 200 });
  const single: string[] = [];
  await runLoad(config, { onRecord: (r) => (single[r.index] = r.model!) });
  const threaded: string[] = [];
  const outcome = await new WorkerRun(config, 2, { onRecord: (r) => (threaded[r.index] = r.model!) }).run();
  expect(outcome.workers).toBe(2);
  expect(threaded).toEqual(single);
  const result = doc(config, outcome);
  for (const name of ['a', 'b', 'c']) expect(result.by_model![name]!.summary.sent).toBe(single.filter((m) => m === name).length);
  expect(Object.values(result.by_model!).reduce((t, e) => t + e.summary.ttft_ms.count, 0)).toBe(result.summary.ttft_ms.count);
});

it('the simulator refuses a model it does not serve with 404, and lists the ones it does', async () => {
  const server = await simulator();
  const listed = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
  expect(listed.data.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  const config = testConfig(server.url, { target: { baseUrl: server.url, model: 'nope' }, requests: 2 });
  const result = doc(config, await runLoad(config));
  expect(result.summary.errors).toEqual({ http_404: 2 });
});
