// `llmperf sweep`: the same workload at a series of loads, with a cool-down between stages, and the knee found.
import type { RunPlan } from '../run/index.js';
import type { SharedServer } from '../run/index.js';
import type { Summary } from '../metrics/schema.js';
import { findKnee } from './knee.js';
import { sleep, stageRecord, StageRunner, type LoadAxis, type StageIsolation, type StageResult } from './stages.js';

export const SWEEP_SCHEMA = 'llmperf/sweep@1';

type StageEntry = { load: number; dir: string; summary: Summary } & ReturnType<typeof stageRecord>;

export interface SweepDocument {
  schema: typeof SWEEP_SCHEMA;
  by: LoadAxis;
  stages: StageEntry[];
  knee: number | null;
  /** The warm-up run before the first stage: its seed and prompts (never sent again by a stage). */
  warmup: { dir: string; summary: Summary } & ReturnType<typeof stageRecord>;
  /** How the loads were chosen (`auto` rate sweeps record their probes here: closed loops at a concurrency). */
  probes?: Array<{ kind: 'synchronous' | 'throughput' } & StageEntry>;
}

export interface SweepOptions {
  by: LoadAxis;
  /** Explicit loads, or 'auto' (rate only): measure single-stream and maximum throughput, spread rates between. */
  loads: number[] | 'auto';
  autoStages: number;
  /**
   * `auto`: the concurrency of the throughput probe; 'search' (no -c given) doubles it from 16 until
   * throughput stops rising, so the probe finds the server's maximum rather than the client's cap.
   */
  probeConcurrency: number | 'search';
  cooldownMs: number;
  outDir: string;
  isolation: StageIsolation;
  /** Called after each probe and stage, with a label such as `probe throughput (concurrency 64)` or `stage rate 12.5`. */
  onStage?: (stage: StageResult, label: string) => void;
}

/** Throughput probes stop doubling once a doubling adds less than this (relative). */
const PROBE_GAIN = 0.05;
const PROBE_START = 16;
const PROBE_MAX = 4096;

/**
 * The knee uses p99 latency end to end: it grows with both queueing (TTFT) and contention (TPOT).
 * Every stage shows where the curve bends, but the knee itself must be a load the server sustained:
 * a not_sustained stage never applied its nominal load, so the knee falls back to the highest
 * sustained load below it (none: no knee).
 */
export function sweepKnee(stages: ReadonlyArray<{ load: number; summary: Summary; not_sustained?: boolean }>): number | null {
  const knee = findKnee(stages.map((s) => ({ load: s.load, throughput: s.summary.output_tokens_per_s, latency: s.summary.latency_ms.p99 ?? 0 })));
  if (knee === null || !stages.some((s) => s.load === knee && s.not_sustained === true)) return knee;
  const below = stages.filter((s) => s.not_sustained !== true && s.load < knee).map((s) => s.load);
  return below.length > 0 ? Math.max(...below) : null;
}

const entry = (stage: StageResult): StageEntry => ({ load: stage.load, dir: stage.dir, summary: stage.summary, ...stageRecord(stage) });

/**
 * guidellm's sweep, on llmperf's engine: a synchronous probe (one request at a time) gives the lowest
 * useful rate, a throughput probe (closed loop at a concurrency that saturates the server) the highest;
 * the rates in between are spread evenly.
 */
async function autoRates(base: RunPlan, options: SweepOptions, runner: StageRunner, probes: NonNullable<SweepDocument['probes']>): Promise<number[]> {
  const probe = async (kind: 'synchronous' | 'throughput', concurrency: number) => {
    const stage = await runner.run('concurrency', concurrency, options.outDir, `${options.outDir}/probe-${kind}-c${concurrency}`);
    probes.push({ kind, ...entry(stage) });
    options.onStage?.(stage, `probe ${kind} (concurrency ${concurrency})`);
    await sleep(options.cooldownMs);
    return stage.summary.qps;
  };
  const synchronous = await probe('synchronous', 1);
  let best: number;
  if (options.probeConcurrency === 'search') {
    // Double until a doubling adds less than 5%: beyond that point the server, not the client, is the limit.
    const cap = Math.min(base.concurrency, PROBE_MAX);
    let concurrency = Math.min(PROBE_START, cap);
    best = await probe('throughput', concurrency);
    while (concurrency < cap) {
      concurrency = Math.min(cap, concurrency * 2);
      const qps = await probe('throughput', concurrency);
      const gain = qps / best - 1;
      best = Math.max(best, qps);
      if (gain < PROBE_GAIN) break;
    }
  } else {
    best = await probe('throughput', Math.min(options.probeConcurrency, PROBE_MAX));
  }
  const low = Math.max(0.01, synchronous);
  const high = Math.max(low * 1.1, best);
  const count = Math.max(2, options.autoStages);
  return Array.from({ length: count }, (_, i) => Number((low + ((high - low) * i) / (count - 1)).toFixed(3)));
}

export async function runSweep(base: RunPlan, options: SweepOptions, server: SharedServer): Promise<SweepDocument> {
  const runner = new StageRunner(base, server, options.isolation);
  const probes: NonNullable<SweepDocument['probes']> = [];
  const warm = await runner.warmUp(options.outDir);
  const loads = options.loads === 'auto' ? await autoRates(base, options, runner, probes) : options.loads;
  const stages: SweepDocument['stages'] = [];
  for (const [i, load] of loads.entries()) {
    if (i > 0) await sleep(options.cooldownMs);
    const stage = await runner.run(options.by, load, options.outDir);
    stages.push(entry(stage));
    options.onStage?.(stage, `stage ${options.by} ${load}`);
  }
  return {
    schema: SWEEP_SCHEMA,
    by: options.by,
    stages,
    knee: sweepKnee(stages),
    warmup: { dir: warm.dir, summary: warm.summary, ...stageRecord(warm) },
    ...(probes.length > 0 ? { probes } : {}),
  };
}
