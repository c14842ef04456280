// --url repeated against several simulators on loopback: each one's own request count is the truth the split is checked on.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { RequestLog } from '../../src/engine/request-log.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockOptions, type MockServer } from '../../src/mock/index.js';
import type { Prompt } from '../../src/workload/prompts.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function replicas(count: number, options: Partial<MockOptions> = {}): Promise<MockServer[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, outputTokens: 6, contention: 0, ...options })));
  servers.push(...started);
  return started;
}

const replicaConfig = (urls: string[], overrides: Partial<LoadConfig> = {}): LoadConfig =>
  testConfig(urls[0]!, { replicas: urls, concurrency: 6, requests: 90, outputTokens: 6, ...overrides });

const doc = (config: LoadConfig, outcome: Awaited<ReturnType<typeof runLoad>>): ResultDocument =>
  buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });

it('round robin: each of three replicas serves exactly a third, as by_url says, and by_url adds up to the run', async () => {
  const three = await replicas(3);
  const urls = three.map((s) => s.url);
  const config = replicaConfig(urls);
  const result = doc(config, await runLoad(config));
  for (const [i, server] of three.entries()) {
    const stats = await server.stats();
    expect(stats.requests).toBe(30);
    expect(result.by_url![urls[i]!]!.summary.sent).toBe(30);
    expect(result.by_url![urls[i]!]!.summary.succeeded).toBe(30);
  }
  const parts = Object.values(result.by_url!);
  expect(parts.reduce((t, e) => t + e.summary.total_output_tokens, 0)).toBe(result.summary.total_output_tokens);
  expect(parts.reduce((t, e) => t + e.summary.latency_ms.count, 0)).toBe(result.summary.latency_ms.count);
  expect(result.by_model).toBeUndefined();
  expect(result.config.urls).toEqual(urls);
  expect(result.config.balance).toBe('round-robin');
});

it('least-in-flight sends more to a faster replica; round robin, measured the same way, does not', async () => {
  const [fast] = await replicas(1, { ttftMs: 2, itlMs: 0.5 });
  const [slow] = await replicas(1, { ttftMs: 80, itlMs: 5 });
  const shares = async (balance: 'round-robin' | 'least-in-flight') => {
    const before = [(await fast!.stats()).requests, (await slow!.stats()).requests];
    await runLoad(replicaConfig([fast!.url, slow!.url], { balance, requests: 80, concurrency: 4 }));
    return [(await fast!.stats()).requests - before[0]!, (await slow!.stats()).requests - before[1]!];
  };
  const [rrFast, rrSlow] = await shares('round-robin');
  expect(rrFast).toBe(rrSlow);
  const [lifFast, lifSlow] = await shares('least-in-flight');
  expect(lifFast + lifSlow).toBe(80);
  // The slow replica holds its requests ~40x longer, so it is the busier one whenever a request is placed.
  expect(lifFast).toBeGreaterThan(2 * lifSlow);
});

it('--session-affinity keeps every turn of a conversation on one replica; without it the turns spread', async () => {
  const conversations: Prompt[] = Array.from({ length: 12 }, (_, i) => ({
    messages: [{ role: 'user', content: `conversation ${i} opens` }],
    text: `conversation ${i} opens`,
    inputTokensEstimate: 4,
    turns: [`conversation ${i} turn 2`, `conversation ${i} turn 3`, `conversation ${i} turn 4`],
  }));
  // Which replicas saw each conversation, read from the bodies each simulator received.
  const placement = async (sessionAffinity: boolean) => {
    const three = await replicas(3);
    const config = replicaConfig(three.map((s) => s.url), { prompts: conversations, requests: 12, concurrency: 4, sessionAffinity });
    const result = doc(config, await runLoad(config));
    expect(result.summary.succeeded).toBe(48);
    const seen = new Map<string, Set<number>>();
    const turns = new Map<string, number>();
    for (const [i, server] of three.entries()) {
      for (const body of (await server.stats()).recentBodies as Array<{ messages: Array<{ content: string }> }>) {
        const opening = body.messages[0]!.content;
        (seen.get(opening) ?? seen.set(opening, new Set()).get(opening)!).add(i);
        turns.set(opening, (turns.get(opening) ?? 0) + 1);
      }
    }
    expect([...turns.values()]).toEqual(new Array(12).fill(4));
    return [...seen.values()].map((set) => set.size);
  };
  expect(await placement(true)).toEqual(new Array(12).fill(1));
  // The control: the same run without affinity does move turns between replicas (so the check above can fail).
  expect(Math.max(...(await placement(false)))).toBeGreaterThan(1);
});

it('a replica URL\'s query credentials never reach by_url, the records or requests.csv', async () => {
  const two = await replicas(2);
  const secret = 'sk-replica-secret-0123456789';
  const urls = [two[0]!.url, `${two[1]!.url}?api_key=${secret}`];
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-replicas-'));
  const log = new RequestLog(join(dir, 'requests.csv'), 'run-1');
  const config = replicaConfig(urls, { requests: 10 });
  const result = doc(config, await runLoad(config, { onRecord: (record) => log.append(record) }));
  log.close();
  const written = JSON.stringify(result) + readFileSync(join(dir, 'requests.csv'), 'utf8');
  expect(written).not.toContain(secret);
  expect(Object.keys(result.by_url!)).toEqual([two[0]!.url, `${two[1]!.url}?api_key=[redacted]`]);
  expect((await two[1]!.stats()).requests).toBe(5);
});
