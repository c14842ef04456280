// `llmperf capacity`: the highest load at which every SLO holds, with its interval, and a sizing answer.
import type { RunPlan } from '../run/index.js';
import { UsageError } from '../errors.js';
import type { SharedServer } from '../run/index.js';
import { evaluateSlos, type Slo, type SloOutcome } from '../metrics/slo.js';
import type { Summary } from '../metrics/schema.js';
import { replicasFor, searchCapacity, type Probe, type SearchOutcome } from './search.js';
import { runStage, sleep, warmUp, type LoadAxis } from './stages.js';
import type { StageProgress } from './stages.js';

export const CAPACITY_SCHEMA = 'llmperf/capacity@1';

export interface CapacityStage {
  load: number;
  passed: boolean;
  margin: number;
  dir: string;
  summary: Summary;
  slo: SloOutcome[];
}

export interface CapacityDocument {
  schema: typeof CAPACITY_SCHEMA;
  by: LoadAxis;
  value: number;
  interval: [number, number];
  slo: string[];
  stages: CapacityStage[];
  /** Loads that could not be measured at all (e.g. too many sockets for this machine): counted as misses. */
  unmeasured: Array<{ load: number; reason: string }>;
  ended: SearchOutcome['ended'];
  /** Requests/s one replica sustained at the answer (measured, for concurrency searches). */
  capacity_rate: number | null;
  sizing: { target_rate: number; headroom: number; replicas: number } | null;
}

export interface CapacityOptions {
  by: LoadAxis;
  slos: Slo[];
  precision: number;
  budgetMs: number;
  start: number;
  maxLoad: number;
  cooldownMs: number;
  targetRate: number | null;
  headroom: number;
  outDir: string;
  onStage?: (stage: CapacityStage) => void;
  /** Progress inside each stage (about every 250 ms), for a live line. */
  onProgress?: StageProgress;
}

/** How far the closest SLO is from its threshold, relative to it (Infinity when no SLO has a number to compare). */
export function sloMargin(outcomes: readonly SloOutcome[]): number {
  let margin = Infinity;
  for (const outcome of outcomes) {
    if (outcome.actual === null) return 0;
    const scale = Math.abs(outcome.threshold) > 0 ? Math.abs(outcome.threshold) : 1;
    margin = Math.min(margin, Math.abs(outcome.threshold - outcome.actual) / scale);
  }
  return margin;
}

export async function findCapacity(base: RunPlan, options: CapacityOptions, server: SharedServer): Promise<CapacityDocument> {
  const stages: CapacityStage[] = [];
  const unmeasured: CapacityDocument['unmeasured'] = [];
  await warmUp(base, options.outDir, server);
  const measure = async (load: number): Promise<Probe> => {
    if (stages.length > 0) await sleep(options.cooldownMs);
    let stage;
    try {
      stage = await runStage(base, options.by, load, `${options.outDir}/stage-${stages.length + unmeasured.length + 1}`, server, options.onProgress);
    } catch (error) {
      // A load this client cannot even send is not a load it can promise: a miss, and the search goes on
      // with what it measured instead of losing it.
      if (!(error instanceof UsageError)) throw error;
      unmeasured.push({ load, reason: error.message });
      return { load, passed: false, margin: Infinity };
    }
    const outcomes = evaluateSlos(stage.result, options.slos);
    const passed = outcomes.every((o) => o.passed) && stage.summary.succeeded > 0;
    const record: CapacityStage = { load, passed, margin: sloMargin(outcomes), dir: stage.dir, summary: stage.summary, slo: outcomes };
    stages.push(record);
    options.onStage?.(record);
    return { load, passed, margin: record.margin };
  };
  const outcome = await searchCapacity(measure, {
    start: options.start,
    precision: options.precision,
    integer: options.by === 'concurrency',
    maxLoad: options.maxLoad,
    deadlineMs: Date.now() + options.budgetMs,
    closeCallMargin: 0.05,
  });
  // One replica's sustainable request rate: the asked rate, or what the best passing concurrency stage served.
  const passing = stages.filter((s) => s.passed && s.load === outcome.value);
  const capacityRate =
    outcome.value === 0 ? 0 : options.by === 'rate' ? outcome.value : Math.min(...passing.map((s) => s.summary.qps));
  return {
    schema: CAPACITY_SCHEMA,
    by: options.by,
    value: outcome.value,
    interval: outcome.interval,
    slo: options.slos.map((slo) => slo.expression),
    stages,
    unmeasured,
    ended: outcome.ended,
    capacity_rate: Number.isFinite(capacityRate) ? Number(capacityRate.toFixed(3)) : null,
    sizing:
      options.targetRate === null
        ? null
        : { target_rate: options.targetRate, headroom: options.headroom, replicas: replicasFor(options.targetRate, capacityRate, options.headroom) },
  };
}
