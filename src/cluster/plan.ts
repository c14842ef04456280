// The cluster flags of `run` (--shard, --start-at, --server-metrics), validated into plan fields at the edge.
import type { Command } from 'commander';
import { normalizeMetricsUrl } from '../engine/server-metrics.js';
import { applyShard, parseShard, type ShardablePlan, type ShardSpec } from './shard.js';
import { parseStartAt } from './start-at.js';
import { collect } from '../util/parse.js';

export interface ClusterFlags {
  shard?: string;
  startAt?: string;
  /** One URL, or one per replica (--server-metrics repeated). */
  serverMetrics?: string | string[];
}

/** What a run plan carries for the cluster features (all optional: plans built elsewhere need not know them). */
export interface ClusterPlanFields {
  shard?: ShardSpec | null;
  /** The shard's own seed for prompt order and arrivals; `seed` stays the whole run's. */
  shardSeed?: number;
  startAtEpochMs?: number | null;
  serverMetricsUrl?: string | null;
  /** Every --server-metrics URL when there are several (replicas); the first is serverMetricsUrl. */
  serverMetricsUrls?: string[];
}

export function addClusterOptions(command: Command): Command {
  return command
    .option('--shard <I/N>', "run shard I (from 0) of N: 1/N of the concurrency, rate and requests, a disjoint 1/N of the prompts")
    .option('--start-at <iso-time>', 'wait until this wall-clock time (e.g. 2026-01-31T12:00:00Z) before sending, so shards overlap')
    .option('--server-metrics <url>', "scrape the server's Prometheus endpoint (e.g. http://host:8000/metrics) once a second during the run; repeat for each replica", collect);
}

/** Cuts the plan to its shard (when --shard is given) and adds the start time and metrics URL. */
export function withClusterOptions<T extends ShardablePlan>(plan: T, flags: ClusterFlags): T & ClusterPlanFields {
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  const sharded = shard === null ? plan : applyShard(plan, shard);
  const given = flags.serverMetrics === undefined ? [] : Array.isArray(flags.serverMetrics) ? flags.serverMetrics : [flags.serverMetrics];
  const metricsUrls = [...new Set(given.map(normalizeMetricsUrl))];
  return {
    ...sharded,
    shard,
    startAtEpochMs: flags.startAt === undefined ? null : parseStartAt(flags.startAt),
    serverMetricsUrl: metricsUrls[0] ?? null,
    ...(metricsUrls.length > 1 ? { serverMetricsUrls: metricsUrls } : {}),
  };
}
