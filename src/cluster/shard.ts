// `--shard I/N`: which share of a workload one machine runs, so N machines together send what one client would.
import { UsageError } from '../errors.js';
import { seededRandom } from '../workload/random.js';
import type { Prompt } from '../workload/prompts.js';

/** Shard `index` (0-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards one run may be split into: far beyond any cluster, small enough to catch typos. */
const MAX_SHARDS = 10_000;

/** `2/8` -> { index: 2, count: 8 }; indexes are 0-based so Kubernetes' JOB_COMPLETION_INDEX fits as is. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UsageError(`--shard ${text}: expected I/N, e.g. 0/4 (shard I of N, counted from 0)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${text}: N must be between 1 and ${MAX_SHARDS}`);
  if (index >= count) throw new UsageError(`--shard ${text}: I must be below N (shards are numbered 0 to ${count - 1})`);
  return { index, count };
}

export const shardLabel = (shard: ShardSpec): string => `${shard.index}/${shard.count}`;

/**
 * The shard's part of a whole number: the remainder goes to the lowest indexes, so the parts are
 * as even as possible and always sum to `total` (10 over 4 -> 3, 3, 2, 2).
 */
export function shareOf(total: number, shard: ShardSpec): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index < total % shard.count ? 1 : 0);
}

/**
 * The shard's own seed: shard 0 keeps the run's seed, the others get well-separated ones, so N open-loop
 * shards draw independent Poisson streams (their superposition is the Poisson process of the whole rate).
 */
export function shardSeed(seed: number, shard: ShardSpec): number {
  return (seed + Math.imul(shard.index, 0x9e3779b1)) >>> 0;
}

/** The request's index in the whole run: shard I's j-th request is request j*N + I (disjoint across shards). */
export function globalRequestIndex(localIndex: number, shard: ShardSpec): number {
  return localIndex * shard.count + shard.index;
}

/** Seeded Fisher-Yates, the same algorithm the engine uses for prompt order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = items.slice();
  const random = seededRandom(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The shard's prompts: the whole set in the run's seeded order, then every N-th from position I. Shards
 * get disjoint prompts whenever there are at least N of them; with fewer, shard I reuses prompt I mod count.
 */
export function shardPrompts(prompts: readonly Prompt[], seed: number, shard: ShardSpec): Prompt[] {
  if (shard.count === 1 || prompts.length === 0) return prompts.slice();
  const ordered = shuffled(prompts, seed);
  if (ordered.length < shard.count) return [ordered[shard.index % ordered.length]!];
  return ordered.filter((_, position) => position % shard.count === shard.index);
}

/** The parts of a run plan a shard changes. */
export interface ShardablePlan {
  concurrency: number;
  requests: number | null;
  ratePerS: number | null;
  prompts: Prompt[];
  seed: number;
}

/**
 * Cuts a whole-run plan down to one shard: its share of the concurrency (or of the rate and its cap), of the
 * request count and of the prompts, with its own seed. Fails when the run is too small to split N ways.
 */
export function applyShard<T extends ShardablePlan>(plan: T, shard: ShardSpec): T & { shardSeed: number } {
  const label = shardLabel(shard);
  // Checked against the whole, not this shard's share: every shard of a mis-sized run fails alike.
  const concurrency = shareOf(plan.concurrency, shard);
  if (plan.concurrency < shard.count) {
    throw new UsageError(`--shard ${label}: --concurrency ${plan.concurrency} cannot be split ${shard.count} ways; give at least ${shard.count}`);
  }
  let requests: number | null = null;
  if (plan.requests !== null) {
    requests = shareOf(plan.requests, shard);
    if (plan.requests < shard.count) throw new UsageError(`--shard ${label}: --requests ${plan.requests} cannot be split ${shard.count} ways; give at least ${shard.count}`);
  }
  return {
    ...plan,
    concurrency,
    requests,
    ratePerS: plan.ratePerS === null ? null : plan.ratePerS / shard.count,
    prompts: shardPrompts(plan.prompts, plan.seed, shard),
    shardSeed: shardSeed(plan.seed, shard),
  };
}
