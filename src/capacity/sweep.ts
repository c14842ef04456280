// `llmperf sweep`: the same workload at a series of loads, with a cool-down between stages, and the knee found.
import type { RunPlan } from '../run/index.js';
import type { SharedServer } from '../run/index.js';
import type { Summary } from '../metrics/schema.js';
import { findKnee } from './knee.js';
import { runStage, sleep, warmUp, type LoadAxis, type StageResult } from './stages.js';
import type { StageProgress } from './stages.js';

export const SWEEP_SCHEMA = 'llmperf/sweep@1';

export interface SweepDocument {
  schema: typeof SWEEP_SCHEMA;
  by: LoadAxis;
  stages: Array<{ load: number; dir: string; summary: Summary }>;
  knee: number | null;
  /** How the loads were chosen (`auto` rate sweeps record their two probe stages here). */
  probes?: Array<{ kind: 'synchronous' | 'throughput'; load: number; dir: string; summary: Summary }>;
}

export interface SweepOptions {
  by: LoadAxis;
  /** Explicit loads, or 'auto' (rate only): measure single-stream and maximum throughput, spread rates between. */
  loads: number[] | 'auto';
  autoStages: number;
  cooldownMs: number;
  outDir: string;
  onStage?: (stage: StageResult) => void;
  /** Progress inside each stage (about every 250 ms), for a live line. */
  onProgress?: StageProgress;
}

/** The knee uses p99 latency end to end: it grows with both queueing (TTFT) and contention (TPOT). */
export function sweepKnee(stages: ReadonlyArray<{ load: number; summary: Summary }>): number | null {
  return findKnee(stages.map((s) => ({ load: s.load, throughput: s.summary.output_tokens_per_s, latency: s.summary.latency_ms.p99 })));
}

/**
 * guidellm's sweep, on llmperf's engine: a synchronous stage (one request at a time) gives the
 * lowest useful rate, a throughput stage (closed loop at the concurrency cap) the highest; the
 * rates in between are spread evenly.
 */
async function autoRates(base: RunPlan, options: SweepOptions, server: SharedServer, probes: NonNullable<SweepDocument['probes']>): Promise<number[]> {
  const synchronous = await runStage(base, 'concurrency', 1, `${options.outDir}/probe-synchronous`, server, options.onProgress);
  probes.push({ kind: 'synchronous', load: 1, dir: synchronous.dir, summary: synchronous.summary });
  options.onStage?.(synchronous);
  await sleep(options.cooldownMs);
  const cap = Math.min(base.concurrency, 1024);
  const throughput = await runStage(base, 'concurrency', cap, `${options.outDir}/probe-throughput`, server, options.onProgress);
  probes.push({ kind: 'throughput', load: cap, dir: throughput.dir, summary: throughput.summary });
  options.onStage?.(throughput);
  await sleep(options.cooldownMs);
  const low = Math.max(0.01, synchronous.summary.qps);
  const high = Math.max(low * 1.1, throughput.summary.qps);
  const count = Math.max(2, options.autoStages);
  return Array.from({ length: count }, (_, i) => Number((low + ((high - low) * i) / (count - 1)).toFixed(3)));
}

export async function runSweep(base: RunPlan, options: SweepOptions, server: SharedServer): Promise<SweepDocument> {
  const probes: NonNullable<SweepDocument['probes']> = [];
  await warmUp(base, options.outDir, server);
  const loads = options.loads === 'auto' ? await autoRates(base, options, server, probes) : options.loads;
  const stages: SweepDocument['stages'] = [];
  for (const [i, load] of loads.entries()) {
    if (i > 0) await sleep(options.cooldownMs);
    const stage = await runStage(base, options.by, load, options.outDir, server, options.onProgress);
    stages.push({ load, dir: stage.dir, summary: stage.summary });
    options.onStage?.(stage);
  }
  return { schema: SWEEP_SCHEMA, by: options.by, stages, knee: sweepKnee(stages), ...(probes.length > 0 ? { probes } : {}) };
}
