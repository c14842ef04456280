// --think-time and --users through the real engine and the simulator: pauses as the server sees them, users as conversation loops.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import { WorkerRun } from '../../src/engine/workers/pool.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import type { SendTimeRecord } from '../../src/mock/send-times.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { drawThinkMs, parseThinkTime } from '../../src/workload/think-time.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
async function mock(ttftMs: number): Promise<MockServer> {
  const server = await startMockServer({ port: 0, ttftMs, itlMs: 1, outputTokens: 4, contention: 0, recordSendTimes: true });
  servers.push(server);
  return server;
}

/** `conversations` conversations of `turns` turns each, every first message unique. */
function conversations(count: number, turns: number) {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-users-'));
  const path = join(dir, 'c.jsonl');
  const lines = Array.from({ length: count }, (_, c) => JSON.stringify({ turns: Array.from({ length: turns }, (_, t) => `conversation ${c} turn ${t}`) }));
  writeFileSync(path, lines.join('\n'));
  return loadWorkload({ dataset: 'multi-turn', datasetPath: path, count: 0, seed: 1, counter: APPROX_COUNTER }).prompts;
}

async function run(config: LoadConfig) {
  const records: RequestRecord[] = [];
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
  return { result, records };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sd = (values: number[]) => Math.sqrt(values.reduce((a, b) => a + (b - mean(values)) ** 2, 0) / (values.length - 1));

/** One user sends one request at a time: the server's gap from writing a reply's end to the next request's arrival. */
function serverGapsMs(records: SendTimeRecord[]): number[] {
  const sorted = [...records].sort((a, b) => a.arrivalEpochMs - b.arrivalEpochMs);
  return sorted.slice(1).map((r, i) => r.arrivalEpochMs - sorted[i]!.endEpochMs!);
}

describe('think time between turns', () => {
  it('the server sees the asked distribution between a reply and the next turn; TTFT and latency are not touched', async () => {
    const prompts = conversations(8, 4);
    const spec = parseThinkTime('normal:100ms,30ms');
    // Reference: the same conversations with no pause, on its own simulator, so the gaps are the client's own overhead.
    const refServer = await mock(20);
    const reference = await run(testConfig(refServer.url, { prompts, concurrency: 1, requests: 8, users: true, outputTokens: 4 }));
    const refGaps = serverGapsMs((await refServer.sendTimes()).records);
    const server = await mock(20);
    const thinking = await run(testConfig(server.url, { prompts, concurrency: 1, requests: 8, users: true, outputTokens: 4, thinkTime: spec }));
    const gaps = serverGapsMs((await server.sendTimes()).records);

    expect(thinking.result.summary.succeeded).toBe(32);
    expect(gaps).toHaveLength(31);
    // Pauses as the server saw them, less the overhead the reference measured: within 4 standard errors of the mean asked.
    const overheadMs = mean(refGaps);
    const pauses = gaps.map((g) => g - overheadMs);
    const standardError = sd(pauses) / Math.sqrt(pauses.length);
    expect(Math.abs(mean(pauses) - 100), `mean pause ${mean(pauses)} ms, SE ${standardError}`).toBeLessThanOrEqual(4 * Math.max(standardError, 30 / Math.sqrt(pauses.length)) + Math.max(...refGaps));
    expect(sd(pauses)).toBeGreaterThan(30 * 0.5);
    expect(sd(pauses)).toBeLessThan(30 * 1.6 + Math.max(...refGaps));

    // Each pause is the draw for the request whose reply it follows (seeded by index), never shorter.
    const byStart = [...thinking.records].sort((a, b) => a.start_ms - b.start_ms);
    for (let i = 1; i < byStart.length; i++) {
      const before = byStart[i - 1]!;
      expect(byStart[i]!.start_ms - (before.start_ms + before.latency_ms!)).toBeGreaterThanOrEqual(drawThinkMs(spec, 1, before.index));
    }
    // The applied pauses are reported, and agree with what the server saw.
    const applied = thinking.result.summary.think_time_ms!;
    expect(applied.count).toBe(31);
    expect(Math.abs(applied.mean! - mean(gaps))).toBeLessThanOrEqual(Math.max(...refGaps) + 2);
    expect(thinking.result.config.think_time).toBe('normal:0.1s,0.03s');

    // Think time is no request's time: TTFT and latency stay where the reference has them, far below a pause.
    const s = thinking.result.summary;
    const r = reference.result.summary;
    expect(s.ttft_ms.mean!).toBeLessThan(r.ttft_ms.mean! + 50);
    expect(s.latency_ms.mean!).toBeLessThan(r.latency_ms.mean! + 50);
    expect(s.queue_ms.count).toBe(0);
  });

  it('an open loop of conversations keeps pauses out of queue time and schedule lag', async () => {
    const server = await mock(5);
    const { result } = await run(testConfig(server.url, { prompts: conversations(6, 3), ratePerS: 20, concurrency: 100, requests: 6, thinkTime: parseThinkTime('150ms') }));
    expect(result.summary.succeeded).toBe(18);
    expect(result.summary.think_time_ms!.count).toBe(12);
    // Never shorter than asked (histogram buckets hold 3 significant digits).
    expect(result.summary.think_time_ms!.min!).toBeGreaterThanOrEqual(150 * 0.999);
    // Six scheduled conversation starts; the later turns have no intended time, so no queue time at all.
    expect(result.summary.queue_ms.count).toBe(6);
    expect(result.summary.queue_ms.max!).toBeLessThan(150);
    expect(result.client.schedule_lag_ms!.count).toBe(6);
  });
});

describe('--users', () => {
  it('keeps at most N in flight, each conversation turn by turn, and records users, turns and in-flight', async () => {
    const server = await mock(30);
    const { result, records } = await run(testConfig(server.url, { prompts: conversations(6, 3), concurrency: 3, requests: 6, users: true, thinkTime: parseThinkTime('40ms') }));
    expect(result.summary.succeeded).toBe(18);
    // Server side: requests open at once never above the users.
    const events = (await server.sendTimes()).records.flatMap((r) => [{ at: r.arrivalEpochMs, d: 1 }, { at: r.endEpochMs!, d: -1 }]);
    events.sort((a, b) => a.at - b.at || a.d - b.d);
    let open = 0;
    let peak = 0;
    for (const e of events) peak = Math.max(peak, (open += e.d));
    expect(peak).toBeLessThanOrEqual(3);
    expect(result.summary.max_in_flight).toBeLessThanOrEqual(3);
    expect(result.summary.mean_in_flight!).toBeGreaterThan(0);
    expect(result.summary.mean_in_flight!).toBeLessThan(3);
    // Each conversation: turns 0, 1, 2, each sent at least the pause after the previous reply.
    const byConversation = new Map<number, RequestRecord[]>();
    for (const r of records) byConversation.set(r.conversation!, [...(byConversation.get(r.conversation!) ?? []), r]);
    expect(byConversation.size).toBe(6);
    for (const turns of byConversation.values()) {
      turns.sort((a, b) => a.start_ms - b.start_ms);
      expect(turns.map((t) => t.turn)).toEqual([0, 1, 2]);
      for (let i = 1; i < turns.length; i++) expect(turns[i]!.start_ms).toBeGreaterThanOrEqual(turns[i - 1]!.start_ms + turns[i - 1]!.latency_ms! + 40);
    }
    expect(result.config.users).toBe(3);
    expect(result.summary.conversations).toBe(6);
    expect(result.summary.turns_per_conversation).toBe(3);
    // Two pauses inside each conversation, and one before each of the three conversations a user starts after its first.
    expect(result.summary.think_time_ms!.count).toBe(6 * 2 + 3);
  });

  it('with a single-turn dataset, each user pauses between its requests; a pause past the deadline is not waited out', async () => {
    const server = await mock(5);
    const started = performance.now();
    const { result, records } = await run(testConfig(server.url, { concurrency: 2, requests: null, durationMs: 800, users: true, thinkTime: parseThinkTime('300ms') }));
    const elapsedMs = performance.now() - started;
    // Two users, a pause of 300 ms after each reply: 2 or 3 requests each within 800 ms, and no wait for a pause that ends after it.
    expect(result.summary.succeeded).toBeGreaterThanOrEqual(4);
    expect(result.summary.succeeded).toBeLessThanOrEqual(6);
    expect(elapsedMs).toBeLessThan(800 + 300);
    expect(records.every((r) => r.turn === 0 && r.conversation === r.index)).toBe(true);
  });

  it('splits users between worker threads', async () => {
    const server = await mock(20);
    const config = testConfig(server.url, { prompts: conversations(8, 2), concurrency: 4, requests: 8, users: true, thinkTime: parseThinkTime('20ms') });
    const outcome = await new WorkerRun(config, 2).run();
    const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
    expect(outcome.workers).toBe(2);
    expect(result.summary.succeeded).toBe(16);
    expect(result.summary.conversations).toBe(8);
    expect(result.summary.max_in_flight).toBeLessThanOrEqual(4);
    // Per worker: 4 conversations over 2 users, 4 pauses inside them and 2 before a user's second conversation.
    expect(result.summary.think_time_ms!.count).toBe(2 * (4 + 2));
  });
});
