// The scheduled and achieved arrival series: exact bucket arithmetic, the worker merge, and a trace replay against its trace.
import { afterAll, describe, expect, it } from 'vitest';
import { ArrivalSeries, arrivalsDocument, coarsen, mergeArrivalCounts } from '../../src/engine/arrival-series.js';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('arrival series', () => {
  it('doubles its buckets as the run grows, keeping every count, and coarsens exactly', () => {
    const series = new ArrivalSeries();
    const offsets = Array.from({ length: 5000 }, (_, i) => i * 7.3);
    for (const offset of offsets) series.scheduled(offset);
    for (const offset of offsets) series.achieved(offset + 3);
    const counts = series.snapshot();
    expect(counts.scheduled.length).toBeLessThanOrEqual(4096);
    expect(counts.scheduled.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(counts.achieved.reduce((a, b) => a + b, 0)).toBe(5000);
    // Each bucket holds exactly the offsets that fall in it.
    counts.scheduled.forEach((n, i) => expect(n).toBe(offsets.filter((o) => Math.floor(o / counts.bucketMs) === i).length));
    const doc = arrivalsDocument(counts);
    expect(doc.scheduled.length).toBeLessThanOrEqual(60);
    expect(doc.bucket_ms / counts.bucketMs).toBe(2 ** Math.round(Math.log2(doc.bucket_ms / counts.bucketMs)));
    expect(doc.scheduled_total).toBe(5000);
    // Each send 3 ms late: at most one arrival crosses each bucket edge.
    expect(doc.max_cumulative_deviation).toBeLessThanOrEqual(1);
    expect(coarsen(counts, counts.bucketMs * 4).scheduled.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('merges workers of different bucket widths into the widest', () => {
    const a = { bucketMs: 1000 / 1024, scheduled: [1, 2, 3, 4], achieved: [0, 3, 3, 4] };
    const b = { bucketMs: 2000 / 1024, scheduled: [5, 1], achieved: [5, 1] };
    expect(mergeArrivalCounts([a, b])).toEqual({ bucketMs: 2000 / 1024, scheduled: [8, 8], achieved: [8, 8] });
    const doc = arrivalsDocument(a);
    expect(doc.max_bucket_deviation).toBe(1);
    expect(doc.max_cumulative_deviation).toBe(1);
  });
});

describe('a trace replay against its trace', () => {
  it('sums to the requests sent; the scheduled series is the trace bucketed; the sent one trails it within the lag', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 4 });
    servers.push(server);
    const { prompts } = loadWorkload({ dataset: 'trace', trace: { format: 'mooncake', speed: 4, startMs: 0, endMs: 6000 }, count: 0, seed: 0, counter: APPROX_COUNTER });
    const config = testConfig(server.url, { prompts, concurrency: 1000, requests: prompts.length, outputTokens: 4 });
    const result = buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true });
    const arrivals = result.arrivals!;
    expect(arrivals.achieved_total).toBe(result.summary.sent);
    expect(arrivals.achieved.reduce((a, b) => a + b, 0)).toBe(prompts.length);
    expect(arrivals.scheduled_total).toBe(prompts.length);
    // The schedule is the trace itself: each bucket counts the trace offsets inside it.
    const width = arrivals.bucket_ms;
    arrivals.scheduled.forEach((n, i) => expect(n, `bucket ${i}`).toBe(prompts.filter((p) => Math.floor(p.arrivalMs! / width) === i).length));
    // Never sent before due; at most the measured lateness (schedule lag, queueing) after.
    const lateMs = result.client.schedule_lag_ms!.max! + result.summary.queue_ms.max! + 2;
    const shift = Math.ceil(lateMs / width);
    let due = 0;
    let sent = 0;
    const dueBy: number[] = [];
    arrivals.scheduled.forEach((n, i) => {
      due += n;
      sent += arrivals.achieved[i]!;
      dueBy.push(due);
      expect(sent, `bucket ${i}`).toBeLessThanOrEqual(due);
      expect(sent, `bucket ${i}`).toBeGreaterThanOrEqual(i >= shift ? dueBy[i - shift]! : 0);
    });
  });

  it('a closed loop has no arrival series', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 2 });
    servers.push(server);
    const config = testConfig(server.url, { requests: 4 });
    const result = buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true });
    expect(result.arrivals).toBeUndefined();
  });
});
