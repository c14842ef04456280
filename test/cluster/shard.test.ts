// Shard planning: shares that add up, disjoint prompts, distinct seeds, and one-line errors for bad --shard values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyShard, globalRequestIndex, parseShard, shardPrompts, shardSeed, shareOf } from '../../src/cluster/shard.js';
import { parseStartAt, waitUntil } from '../../src/cluster/start-at.js';
import { withClusterOptions } from '../../src/cluster/plan.js';
import { UsageError } from '../../src/errors.js';
import { syntheticPrompts } from '../../src/workload/prompts.js';

describe('--shard I/N', () => {
  it('parses 0-based shards and rejects anything else with a usage error', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/2/3', '1.5/4', '0/20000']) {
      expect(() => parseShard(bad), bad).toThrow(UsageError);
    }
  });

  it('splits any whole number into shares that differ by at most one and sum to the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (total, count) => {
        const shares = Array.from({ length: count }, (_, index) => shareOf(total, { index, count }));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
    expect([0, 1, 2, 3].map((index) => shareOf(10, { index, count: 4 }))).toEqual([3, 3, 2, 2]);
  });

  it('gives shards disjoint prompts that together are the whole set, the same for the same seed', () => {
    const prompts = syntheticPrompts(50, 16, 3);
    const parts = [0, 1, 2, 3].map((index) => shardPrompts(prompts, 7, { index, count: 4 }));
    const texts = parts.map((part) => part.map((p) => p.text));
    expect(texts.flat().sort()).toEqual(prompts.map((p) => p.text).sort());
    expect(new Set(texts.flat()).size).toBe(50);
    expect(parts.map((p) => p.length)).toEqual([13, 13, 12, 12]);
    expect(shardPrompts(prompts, 7, { index: 1, count: 4 }).map((p) => p.text)).toEqual(texts[1]);
    // Fewer prompts than shards: each shard still gets one (reuse is unavoidable).
    expect(shardPrompts(prompts.slice(0, 2), 7, { index: 3, count: 4 })).toHaveLength(1);
  });

  it('maps local request indexes to disjoint global ones and gives each shard its own seed', () => {
    const seen = new Set<number>();
    for (let index = 0; index < 4; index++) for (let j = 0; j < 25; j++) seen.add(globalRequestIndex(j, { index, count: 4 }));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const seeds = new Set([0, 1, 2, 3].map((index) => shardSeed(42, { index, count: 4 })));
    expect(seeds.size).toBe(4);
    expect(shardSeed(42, { index: 0, count: 4 })).toBe(42);
  });

  it('cuts a plan to its share of concurrency, rate and requests, and refuses runs too small to split', () => {
    const plan = { concurrency: 32, requests: 256, ratePerS: 10, prompts: syntheticPrompts(40, 8, 1), seed: 5 };
    const shard = applyShard(plan, { index: 3, count: 4 });
    expect(shard).toMatchObject({ concurrency: 8, requests: 64, ratePerS: 2.5, seed: 5 });
    expect(shard.prompts).toHaveLength(10);
    expect(shard.shardSeed).not.toBe(5);
    expect(() => applyShard({ ...plan, concurrency: 3 }, { index: 0, count: 4 })).toThrow(/cannot be split 4 ways/);
    expect(() => applyShard({ ...plan, requests: 2 }, { index: 0, count: 4 })).toThrow(/--requests 2 cannot be split/);
    expect(applyShard({ ...plan, requests: null }, { index: 1, count: 4 }).requests).toBeNull();
  });

  it('leaves a plan untouched without --shard, and validates --server-metrics at the edge', () => {
    const plan = { concurrency: 4, requests: 10, ratePerS: null, prompts: syntheticPrompts(3, 8, 1), seed: 0 };
    const same = withClusterOptions(plan, {});
    expect(same).toMatchObject({ concurrency: 4, requests: 10, shard: null, startAtEpochMs: null, serverMetricsUrl: null });
    expect(withClusterOptions(plan, { serverMetrics: 'http://h:8000' }).serverMetricsUrl).toBe('http://h:8000/metrics');
    expect(withClusterOptions(plan, { serverMetrics: 'http://h:8000/custom' }).serverMetricsUrl).toBe('http://h:8000/custom');
    expect(() => withClusterOptions(plan, { serverMetrics: 'h:8000' })).toThrow(UsageError);
    expect(() => withClusterOptions(plan, { serverMetrics: 'ftp://h/metrics' })).toThrow(UsageError);
  });
});

describe('--start-at', () => {
  it('takes ISO times with a zone only, and nothing more than a day ahead', () => {
    const now = Date.parse('2026-01-31T11:00:00Z');
    expect(parseStartAt('2026-01-31T12:00:00Z', now)).toBe(Date.parse('2026-01-31T12:00:00Z'));
    expect(parseStartAt('2026-01-31T13:00:00.500+01:00', now)).toBe(Date.parse('2026-01-31T12:00:00.500Z'));
    for (const bad of ['2026-01-31T12:00:00', 'tomorrow', '12:00', '2026-01-31']) expect(() => parseStartAt(bad, now), bad).toThrow(UsageError);
    expect(() => parseStartAt('2026-02-02T12:00:00Z', now)).toThrow(/24 hours/);
  });

  it('waits until the instant by the given clock, never resolving early, and returns lateness', async () => {
    const target = Date.now() + 300;
    const late = await waitUntil(target);
    expect(Date.now()).toBeGreaterThanOrEqual(target);
    expect(late).toBeGreaterThanOrEqual(0);
    // A time already past: no wait, and the lateness says by how much.
    expect(await waitUntil(Date.now() - 5000)).toBeGreaterThanOrEqual(5000);
  });
});
