// Trace replay: the three readers on the shipped samples and on bad files, and sends at the recorded times,
// checked against the simulator's own receive times.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { TRACE_BLOCK_TOKENS, type TraceFormat } from '../../src/workload/datasets/trace.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { azureTimeMs } from '../../src/workload/traces/azure.js';
import { testConfig } from '../helpers/config.js';

const trace = (format: TraceFormat, extra: { speed?: number; startMs?: number; endMs?: number; path?: string } = {}) =>
  loadWorkload({
    dataset: 'trace',
    datasetPath: extra.path,
    trace: { format, speed: extra.speed ?? 1, startMs: extra.startMs ?? 0, endMs: extra.endMs ?? Infinity },
    count: 0,
    seed: 0,
    counter: APPROX_COUNTER,
  });

const dir = mkdtempSync(join(tmpdir(), 'llmperf-trace-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('trace readers', () => {
  it('read the shipped samples: recorded order, offsets from the first request, reply lengths as max_tokens', () => {
    for (const format of ['mooncake', 'azure', 'burstgpt'] as const) {
      const { prompts, source } = trace(format);
      expect(source).toMatch(/^sample:prompts\/trace-/);
      // BurstGPT's sample holds one failed request (0 response tokens): not replayable, skipped.
      expect(prompts).toHaveLength(format === 'burstgpt' ? 47 : 48);
      expect(prompts[0]!.arrivalMs).toBe(0);
      for (let i = 1; i < prompts.length; i++) expect(prompts[i]!.arrivalMs!).toBeGreaterThanOrEqual(prompts[i - 1]!.arrivalMs!);
      for (const p of prompts) expect(p.outputTokens).toBeGreaterThan(0);
    }
  });

  it('Mooncake: lengths exact, the same hash id is the same text, a partial last block is its first words', () => {
    const path = file('m.jsonl', [
      { timestamp: 1000, input_length: 1100, output_length: 5, hash_ids: [7, 8, 9] },
      { timestamp: 1500, input_length: 600, output_length: 5, hash_ids: [7, 8] },
      { timestamp: 1200, input_length: 700, output_length: 5, hash_ids: [3] },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const { prompts } = trace('mooncake', { path });
    // Sorted by time: 1000, 1200, 1500 ms; offsets from the first.
    expect(prompts.map((p) => p.arrivalMs)).toEqual([0, 200, 500]);
    expect(prompts.map((p) => p.inputTokensEstimate)).toEqual([1100, 700, 600]);
    const [a, c, b] = prompts.map((p) => p.text);
    const blockChars = 4 * TRACE_BLOCK_TOKENS;
    expect(b!.slice(0, blockChars)).toBe(a!.slice(0, blockChars)); // block 7 shared
    expect(b!.slice(blockChars, 600 * 4 - 1)).toBe(a!.slice(blockChars, 600 * 4 - 1)); // block 8, partial in b
    expect(c!.slice(0, 64)).not.toBe(a!.slice(0, 64));
  });

  it('Azure timestamps keep sub-millisecond order; the window and speed scale offsets', () => {
    expect(azureTimeMs('2023-11-16 18:15:46.6805900')! - azureTimeMs('2023-11-16 18:15:46.0000000')!).toBeCloseTo(680.59, 2);
    const path = file('a.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.000,10,2\n2023-11-16 18:15:47.000,10,2\n2023-11-16 18:15:49.000,10,2\n');
    expect(trace('azure', { path, speed: 2 }).prompts.map((p) => p.arrivalMs)).toEqual([0, 500, 1500]);
    expect(trace('azure', { path, startMs: 500, endMs: 3000 }).prompts.map((p) => p.arrivalMs)).toEqual([500]);
  });

  it('bad records are one error naming file:line, all of them; an empty window says the span', () => {
    const path = file('b.csv', 'Timestamp,Model,Request tokens,Response tokens\n0.5,x,10,3\nsoon,x,10,3\n1,x,ten,3\n');
    expect(() => trace('burstgpt', { path })).toThrow(/b\.csv: 2 bad record\(s\): .*b\.csv:3: Timestamp "soon".*b\.csv:4/);
    expect(() => trace('azure', { path })).toThrow(/no TIMESTAMP column/);
    const ok = file('ok.csv', 'Timestamp,Model,Request tokens,Response tokens\n0,x,10,3\n2,x,10,3\n');
    expect(() => trace('burstgpt', { path: ok, startMs: 5000 })).toThrow(/spans 0 to 2\.000 s/);
  });
});

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** Replays a trace against a fresh simulator; per request: the trace offset and the server's receive time. */
async function replay(speed: number, endMs: number) {
  const server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 4, recordSendTimes: true });
  servers.push(server);
  const { prompts } = trace('mooncake', { speed, endMs });
  const records: RequestRecord[] = [];
  const config = testConfig(server.url, { prompts, concurrency: 1000, requests: prompts.length, outputTokens: 4 });
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
  const arrivals = new Map((await server.sendTimes()).records.map((r) => [r.id, r.arrivalEpochMs]));
  const rows = records.map((r) => ({ offsetMs: prompts[r.index]!.arrivalMs!, arrivedMs: arrivals.get(r.request_id!)!, queueMs: r.queue_ms }));
  rows.sort((x, y) => x.offsetMs - y.offsetMs);
  return { rows, result, count: prompts.length };
}

describe('replay at the recorded times', () => {
  it('every request reaches the server at its trace offset, within the schedule lag the run reports', async () => {
    const { rows, result, count } = await replay(4, 6000);
    expect(result.summary.succeeded).toBe(count);
    const first = rows[0]!;
    const lagMaxMs = result.client.schedule_lag_ms!.max!;
    const queueMaxMs = Math.max(...rows.map((r) => r.queueMs));
    // Client lateness (schedule lag, queueing) is measured by the run; loopback delivery adds a few ms either side.
    const boundMs = lagMaxMs + queueMaxMs + 15;
    for (const row of rows) {
      const drift = row.arrivedMs - first.arrivedMs - (row.offsetMs - first.offsetMs);
      expect(Math.abs(drift)).toBeLessThanOrEqual(boundMs);
    }
  });

  it('speed 2 halves the duration: the span of sends at twice the speed is half as long', async () => {
    const slow = await replay(4, 6000);
    const fast = await replay(8, 6000);
    const span = (run: typeof slow) => run.rows[run.rows.length - 1]!.arrivedMs - run.rows[0]!.arrivedMs;
    const traceSpanMs = slow.rows[slow.rows.length - 1]!.offsetMs;
    expect(fast.rows[fast.rows.length - 1]!.offsetMs).toBeCloseTo(traceSpanMs / 2, 6);
    // Each run's measured client lateness (schedule lag, queueing on a new connection), plus loopback delivery.
    const late = (run: typeof slow) => run.result.client.schedule_lag_ms!.max! + Math.max(...run.rows.map((r) => r.queueMs));
    const slack = late(slow) + late(fast) + 25;
    expect(Math.abs(span(fast) - span(slow) / 2), `spans ${span(slow)} and ${span(fast)} ms, slack ${slack} ms`).toBeLessThanOrEqual(slack);
    expect(span(slow)).toBeGreaterThan(traceSpanMs * 0.8);
  });
});
