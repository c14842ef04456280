// Shared-prefix workloads against the real simulator with its prefix cache: hit rate, TTFT of hits vs misses, stage isolation.
import { afterAll, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import { stageSeed } from '../../src/capacity/prompts.js';
import { startMockServer, type MockOptions, type MockServer } from '../../src/mock/index.js';
import { PREFIX_BLOCK_TOKENS, prefillMs } from '../../src/mock/prefix-cache.js';
import { countTokens } from '../../src/mock/tokens.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { groupWeights, sharedPrefixPrompts } from '../../src/workload/datasets/shared-prefix.js';
import { workloadPlan } from '../../src/workload/options.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
async function mock(options: Partial<MockOptions>): Promise<MockServer> {
  const server = await startMockServer({ port: 0, contention: 0, ...options });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const spec = { groups: 4, promptsPerGroup: 8, prefixTokens: 256, suffixTokens: 32, zipf: 0 };

async function run(config: LoadConfig) {
  const records: RequestRecord[] = [];
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  return { result: buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true }), records };
}

describe('shared-prefix prompts', () => {
  it('a group shares its prefix exactly, groups differ from their first token, lengths are exact', () => {
    const prompts = sharedPrefixPrompts({ ...spec, count: 64, seed: 3, counter: APPROX_COUNTER });
    for (const prompt of prompts) {
      // The 4-characters rule counts the whole prompt exactly as prefix + suffix.
      expect(prompt.inputTokensEstimate).toBe(spec.prefixTokens + spec.suffixTokens);
      expect(prompt.group).toBeGreaterThanOrEqual(0);
    }
    const byGroup = new Map<number, string[]>();
    for (const p of prompts) byGroup.set(p.group!, [...(byGroup.get(p.group!) ?? []), p.text]);
    const prefixes = [...byGroup.values()].map((texts) => texts[0]!.split('\nQuestion')[0]!);
    for (const [group, texts] of byGroup) for (const text of texts) expect(text.startsWith(prefixes[[...byGroup.keys()].indexOf(group)]!)).toBe(true);
    expect(new Set(prefixes.map((p) => p.slice(0, 12))).size).toBe(byGroup.size);
    // At most P distinct prompts per group.
    for (const texts of byGroup.values()) expect(new Set(texts).size).toBeLessThanOrEqual(spec.promptsPerGroup);
  });

  it('Zipf popularity: observed group shares within 3 sigma of the weights', () => {
    const count = 4000;
    const weights = groupWeights(5, 1.2);
    const prompts = sharedPrefixPrompts({ ...spec, groups: 5, zipf: 1.2, count, seed: 9, counter: APPROX_COUNTER });
    weights.forEach((w, g) => {
      const seen = prompts.filter((p) => p.group === g).length;
      expect(Math.abs(seen - w * count)).toBeLessThan(3 * Math.sqrt(count * w * (1 - w)));
    });
    expect(weights[0]!).toBeGreaterThan(weights[4]! * 5);
  });

  it('the flags choose the dataset, record the group settings and refuse nonsense in one line', () => {
    const plan = workloadPlan({ prefixGroups: '3', promptsPerGroup: '2', prefixTokens: '64', suffixTokens: '16' }, { api: 'chat', count: 20, seed: 0, parseDurationMs: Number });
    expect(plan.fields.datasetKind).toBe('shared-prefix');
    expect(plan.fields.workloadConfig).toMatchObject({ prefix_groups: 3, prompts_per_group: 2, prefix_tokens: 64, suffix_tokens: 16, prefix_zipf: 0 });
    expect(plan.prompts).toHaveLength(20);
    expect(() => workloadPlan({ prefixGroups: '0' }, { api: 'chat', count: 5, seed: 0, parseDurationMs: Number })).toThrow(/--prefix-groups 0/);
    expect(() => workloadPlan({ prefixZipf: '-1' }, { api: 'chat', count: 5, seed: 0, parseDurationMs: Number })).toThrow(/--prefix-zipf/);
    expect(() => workloadPlan({ prefixGroups: '2', dataset: 'sharegpt' }, { api: 'chat', count: 5, seed: 0, parseDurationMs: Number })).toThrow(/shared-prefix/);
  });

  it('different stage seeds share no prefix text (stage isolation)', () => {
    const a = loadWorkload({ sharedPrefix: spec, count: 32, seed: stageSeed(0, 1), counter: APPROX_COUNTER }).prompts;
    const b = loadWorkload({ sharedPrefix: spec, count: 32, seed: stageSeed(0, 2), counter: APPROX_COUNTER }).prompts;
    const firstBlock = (text: string) => text.slice(0, PREFIX_BLOCK_TOKENS * 4);
    const seenA = new Set(a.map((p) => firstBlock(p.text)));
    for (const p of b) expect(seenA.has(firstBlock(p.text))).toBe(false);
  });
});

describe('prefix cache in the simulator, measured by the engine', () => {
  it('a shared-prefix run reports hits, their cached share, and lower TTFT for hits than misses', async () => {
    const ttftMs = 60;
    const server = await mock({ ttftMs, itlMs: 1, outputTokens: 4, prefixCacheTokens: 1_000_000 });
    const prompts = loadWorkload({ sharedPrefix: spec, count: 48, seed: 5, counter: APPROX_COUNTER }).prompts;
    const { result, records } = await run(testConfig(server.url, { prompts, concurrency: 1, requests: prompts.length }));
    const s = result.summary;
    expect(s.succeeded).toBe(48);
    expect(s.cache_reported_requests).toBe(48);
    // Closed loop, one at a time: only each group's first request misses (its prefix is new); the other 44 hit.
    expect(s.cache_hit_requests).toBe(48 - spec.groups);
    expect(s.cache_hit_rate).toBeCloseTo(44 / 48, 5);
    // Every request's cached tokens, by the server's own count, in requests.csv's column.
    for (const record of records) {
      expect(record.prefix_group).toBeGreaterThanOrEqual(0);
      expect(record.cached_tokens).not.toBeNull();
    }
    const cached = records.reduce((n, r) => n + (r.cached_tokens ?? 0), 0);
    const input = records.reduce((n, r) => n + r.input_tokens, 0);
    expect(s.cached_token_share).toBeCloseTo(cached / input, 5);
    expect(s.cached_token_share!).toBeGreaterThan(0.5);
    const hit = s.ttft_cache_hit_ms!;
    const miss = s.ttft_cache_miss_ms!;
    expect(hit.count).toBe(44);
    expect(miss.count).toBe(4);
    // The documented rule: prefill shrinks by the cached share. Hits are compared with the misses of the same run.
    expect(hit.p50!).toBeLessThan(miss.p50!);
    const hitRecord = records.find((r) => (r.cached_tokens ?? 0) > 0)!;
    const expectedHitPrefill = prefillMs(ttftMs, hitRecord.input_tokens, hitRecord.cached_tokens!);
    expect(expectedHitPrefill).toBeLessThan(ttftMs * 0.5);
    expect(hit.p50! - miss.p50!).toBeLessThan(-(ttftMs - expectedHitPrefill) * 0.5);
  });

  it('without a prefix cache the server reports no cached_tokens: the share is unknown (null), not 0', async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 4 });
    const prompts = loadWorkload({ sharedPrefix: spec, count: 8, seed: 5, counter: APPROX_COUNTER }).prompts;
    const { result, records } = await run(testConfig(server.url, { prompts, concurrency: 2, requests: 8 }));
    expect(result.summary.cache_reported_requests).toBe(0);
    expect(result.summary.cached_token_share).toBeNull();
    expect(result.summary.ttft_cache_hit_ms).toBeUndefined();
    expect(records.every((r) => r.cached_tokens === null)).toBe(true);
  });

  it('a stage with a fresh seed finds nothing of the previous stage in the cache; a repeat of the seed does', async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 2, prefixCacheTokens: 1_000_000 });
    const stage = async (seed: number) => {
      const prompts = loadWorkload({ sharedPrefix: { ...spec, promptsPerGroup: 1 }, count: spec.groups * 3, seed, counter: APPROX_COUNTER }).prompts;
      // One prompt per group: in a cache that never saw this seed, every one is a miss.
      const firsts = [...new Map(prompts.map((p) => [p.group, p])).values()];
      return (await run(testConfig(server.url, { prompts: firsts, concurrency: 1, requests: firsts.length }))).result.summary;
    };
    expect((await stage(stageSeed(7, 1))).cache_hit_requests).toBe(0);
    expect((await stage(stageSeed(7, 2))).cache_hit_requests).toBe(0);
    // Control: the same seed again is all hits, so the zero above is the isolation, not a cache that never hits.
    expect((await stage(stageSeed(7, 2))).cache_hit_requests).toBe(spec.groups);
  });
});

it('the simulator counts prompt tokens as the client does for these texts (so cached <= prompt holds)', () => {
  const [prompt] = sharedPrefixPrompts({ ...spec, count: 1, seed: 1, counter: APPROX_COUNTER });
  expect(Math.abs(countTokens(prompt!.text) - prompt!.inputTokensEstimate)).toBeLessThan(prompt!.inputTokensEstimate * 0.2);
});
