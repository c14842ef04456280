// Arrival curves merged across shards (llmperf merge): widest bucket, aligned on each shard's first send, summed.
import { describe, expect, it } from 'vitest';
import { mergeArrivalsDocuments } from '../../src/metrics/arrivals.js';
import { mergeResults } from '../../src/metrics/merge.js';
import type { ArrivalsDocument } from '../../src/metrics/schema.js';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const doc = (bucketMs: number, scheduled: number[], achieved: number[]): ArrivalsDocument => ({
  bucket_ms: bucketMs, scheduled, achieved, scheduled_total: 0, achieved_total: 0, max_bucket_deviation: 0, max_cumulative_deviation: 0,
});

describe('merging arrival curves', () => {
  it('coarsens to the widest bucket, shifts a later shard by whole buckets, and recounts the deviations', () => {
    const merged = mergeArrivalsDocuments([
      { arrivals: doc(250, [2, 2, 0, 0], [1, 2, 1, 0]), firstSendEpochMs: 1000 },
      { arrivals: doc(500, [4, 1], [3, 2]), firstSendEpochMs: 1000 + 500 },
    ]);
    expect(merged.bucket_ms).toBe(500);
    expect(merged.scheduled).toEqual([4, 4, 1]);
    expect(merged.achieved).toEqual([3, 4, 2]);
    expect(merged.scheduled_total).toBe(9);
    expect(merged.achieved_total).toBe(9);
    expect(merged.max_bucket_deviation).toBe(1);
    expect(merged.max_cumulative_deviation).toBe(1);
  });

  it('llmperf merge carries two open-loop runs\' curves, and a users run keeps every shard\'s users', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 2 });
    try {
      const run = async (seed: number, extraConfig: Record<string, unknown>) => {
        const config = testConfig(server.url, { ratePerS: 100, concurrency: 50, requests: 10, seed });
        return buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true, extraConfig });
      };
      const [a, b] = [await run(1, { shard: '0/2' }), await run(2, { shard: '1/2' })];
      const merged = mergeResults([a, b]);
      expect(merged.arrivals!.scheduled_total).toBe(20);
      expect(merged.arrivals!.achieved_total).toBe(20);
      // Run one after the other here, so the second is shifted by its later start and the buckets widen to span both.
      expect(merged.arrivals!.bucket_ms).toBeGreaterThanOrEqual(Math.max(a.arrivals!.bucket_ms, b.arrivals!.bucket_ms));
      const users = mergeResults([{ ...a, config: { ...a.config, users: 50 } }, { ...b, config: { ...b.config, users: 50 } }]);
      expect(users.config.users).toBe(100);
      expect(mergeResults([{ ...a, arrivals: undefined }]).arrivals).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
