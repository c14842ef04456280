// `llmperf capacity`: the highest load at which every SLO holds, with its interval, and a sizing answer.
import type { RunPlan } from '../run/index.js';
import { UsageError } from '../errors.js';
import type { SharedServer } from '../run/index.js';
import { evaluateSlos, type Slo, type SloOutcome } from '../metrics/slo.js';
import type { Summary } from '../metrics/schema.js';
import { replicasFor, searchCapacity, type Probe, type SearchOutcome } from './search.js';
import { sleep, stageRecord, StageRunner, type LoadAxis, type StageIsolation } from './stages.js';

export const CAPACITY_SCHEMA = 'llmperf/capacity@1';

export interface CapacityStage extends ReturnType<typeof stageRecord> {
  load: number;
  /** Every SLO held, and the load was sustained and stable (not_sustained false). */
  passed: boolean;
  margin: number;
  dir: string;
  summary: Summary;
  slo: SloOutcome[];
}

export interface CapacityDocument {
  schema: typeof CAPACITY_SCHEMA;
  by: LoadAxis;
  /**
   * The answer: for --by rate, the rate the passing stage actually offered (random arrivals offer more or less than
   * asked), or the rate it completed if lower.
   */
  value: number;
  /** The load that stage was asked to apply (its nominal rate, or the concurrency); 0 when nothing passed. */
  searched_value: number;
  interval: [number, number];
  slo: string[];
  stages: CapacityStage[];
  /** The warm-up run before the first stage: its seed and prompts (never sent again by a stage). */
  warmup: { dir: string; summary: Summary } & ReturnType<typeof stageRecord>;
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
  isolation: StageIsolation;
  onStage?: (stage: CapacityStage) => void;
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
  const runner = new StageRunner(base, server, options.isolation);
  const warm = await runner.warmUp(options.outDir);
  const measure = async (load: number): Promise<Probe> => {
    if (stages.length > 0) await sleep(options.cooldownMs);
    let stage;
    try {
      stage = await runner.run(options.by, load, `${options.outDir}/stage-${stages.length + unmeasured.length + 1}`);
    } catch (error) {
      // A load this client cannot even send is not a load it can promise: a miss, and the search goes on
      // with what it measured instead of losing it.
      if (!(error instanceof UsageError)) throw error;
      unmeasured.push({ load, reason: error.message });
      return { load, passed: false, margin: Infinity };
    }
    const outcomes = evaluateSlos(stage.result, options.slos);
    // A short stage can meet every SLO while a backlog builds up: it passes only if the load was also sustained.
    const passed = outcomes.every((o) => o.passed) && stage.summary.succeeded > 0 && stage.sustained;
    const record: CapacityStage = { load, passed, margin: sloMargin(outcomes), dir: stage.dir, summary: stage.summary, slo: outcomes, ...stageRecord(stage) };
    stages.push(record);
    options.onStage?.(record);
    // Random arrivals offer more or less than asked: the search counts the stage at what it offered, or at what
    // the server was seen to complete when that is lower (a server cannot complete faster than its maximum).
    const sustain = stage.sustain;
    const offered = options.by === 'rate' && sustain.offered_rate !== null ? Math.min(sustain.offered_rate, sustain.achieved_rate ?? Infinity, load * 1.5) : load;
    // A stage whose TTFT trend neither shows a backlog nor rules one out is a close call: measured again.
    const margin = sustain.trend?.inconclusive && options.by === 'rate' ? 0 : record.margin;
    return { load, passed, margin, offered };
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
  const applied = (s: CapacityStage) => (options.by === 'rate' ? Math.min(s.sustain.offered_rate ?? s.load, s.sustain.achieved_rate ?? Infinity, s.load * 1.5) : s.load);
  const passing = stages.filter((s) => s.passed && Math.abs(applied(s) - outcome.value) < 1e-9);
  const value = Number(outcome.value.toFixed(3));
  const capacityRate =
    outcome.value === 0 ? 0 : options.by === 'rate' ? value : Math.min(...passing.map((s) => s.summary.qps));
  return {
    schema: CAPACITY_SCHEMA,
    by: options.by,
    value,
    searched_value: passing[0]?.load ?? 0,
    interval: [value, Number(outcome.interval[1].toFixed(3))],
    slo: options.slos.map((slo) => slo.expression),
    stages,
    warmup: { dir: warm.dir, summary: warm.summary, ...stageRecord(warm) },
    unmeasured,
    ended: outcome.ended,
    capacity_rate: Number.isFinite(capacityRate) ? Number(capacityRate.toFixed(3)) : null,
    sizing:
      options.targetRate === null
        ? null
        : { target_rate: options.targetRate, headroom: options.headroom, replicas: replicasFor(options.targetRate, capacityRate, options.headroom) },
  };
}
