// The capacity search as a library call: the highest load meeting every SLO, from plain options, with its report files.
import { makeOutDir, refuseReuse } from '../util/out-dir.js';
import { join } from 'node:path';
import { findCapacity as searchStages, writeStageReport, type CapacityDocument } from '../capacity/index.js';
import type { CapacityStage } from '../capacity/capacity.js';
import type { StageRow } from '../capacity/report.js';
import { UsageError } from '../errors.js';
import { parseSlo } from '../metrics/slo.js';
import { startSharedServer, type RunFlags } from '../run/index.js';
import { parseChoice, parseDurationMs, parsePositiveNumber } from '../util/parse.js';
import { runOptionsToFlags, type Duration, type RunOptions } from './options.js';
import { basePlan, parseFraction, stageIsolation, sustainNotes } from './stage-plan.js';
import type { StageHooks } from './sweep.js';

export const CAPACITY_DEFAULTS = { by: 'rate', precision: '10%', budget: '10m', headroom: '20%', cooldown: '1s', maxErrorRate: '0.01' } as const;

/** The capacity search's settings as text, as the CLI's flags give them. */
export interface CapacityFlags extends RunFlags {
  by: string;
  precision: string;
  budget: string;
  targetRate?: string;
  headroom: string;
  start?: string;
  maxLoad?: string;
  cooldown: string;
  maxErrorRate: string;
  resetCache?: string;
}

/** What a capacity search leaves behind, with the lines the console prints under its table. */
export interface CapacityOutput {
  document: CapacityDocument;
  outDir: string;
  files: string[];
  /** The answer, the sizing line, the SLOs and any caveats, one line each. */
  notes: string[];
  /** The stage table's rows. */
  rows: StageRow[];
  simulated: boolean;
}

/** Validates every setting (before the server starts, so a typo costs one line), searches, and writes capacity.json and the report. */
export async function capacityFromFlags(flags: CapacityFlags, hooks: StageHooks<CapacityStage> = {}, apiKey?: string): Promise<CapacityOutput> {
  const by = parseChoice(flags.by, '--by', ['rate', 'concurrency'] as const);
  if (flags.slo.length === 0) throw new UsageError('capacity: give at least one --slo, e.g. --slo "ttft_ms.p99 < 500"');
  const plan = basePlan(flags, '10s', by === 'concurrency' ? { concurrency: '1', rate: undefined } : { rate: '1' });
  const base = apiKey === undefined ? plan : { ...plan, apiKey };
  const slos = [...base.slos];
  if (!slos.some((slo) => slo.metric === 'error_rate')) {
    slos.push(parseSlo(`error_rate <= ${parsePositiveNumber(flags.maxErrorRate, '--max-error-rate')}`));
  }
  const outDir = base.outDir ?? join('reports', `capacity-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
  // A folder holding an earlier sweep's or search's stages is refused whole (stage runs then overwrite freely).
  refuseReuse(outDir, Boolean(flags.overwrite), true);
  makeOutDir(outDir);
  const search = {
    precision: parseFraction(flags.precision, '--precision'),
    budgetMs: parseDurationMs(flags.budget, '--budget'),
    start: flags.start ? parsePositiveNumber(flags.start, '--start') : 1,
    maxLoad: flags.maxLoad ? parsePositiveNumber(flags.maxLoad, '--max-load') : by === 'rate' ? 100_000 : 10_000,
    cooldownMs: parseDurationMs(flags.cooldown, '--cooldown', true),
    targetRate: flags.targetRate ? parsePositiveNumber(flags.targetRate, '--target-rate') : null,
    headroom: parseFraction(flags.headroom, '--headroom'),
    isolation: stageIsolation(flags, base, hooks.onNotice),
  };
  const { server, close } = await startSharedServer(base, hooks);
  try {
    const onStage = hooks.onStage;
    const isolation = { ...search.isolation, onProgress: hooks.onStageProgress };
    const document = await searchStages(base, { by, slos, ...search, isolation, outDir, onStage: onStage && ((stage) => onStage(stage, `${by} ${stage.load}`)) }, server);
    const unit = by === 'rate' ? 'requests/s' : 'concurrent requests';
    const answer =
      document.value === 0
        ? `Capacity: below ${document.interval[1]} ${unit}: even the first load missed the SLOs.`
        : `Capacity: ${document.value} ${unit}${document.value !== document.searched_value ? ` (what the stages at ${document.searched_value} offered)` : ''} (the answer lies in [${document.interval[0]}, ${document.interval[1]}]; search ended by ${document.ended}).`;
    const sizing = document.sizing
      ? `Sizing: ${document.sizing.replicas} replica(s) for ${document.sizing.target_rate} requests/s at ${Math.round(document.sizing.headroom * 100)}% headroom (one replica sustains ${document.capacity_rate} requests/s within the SLOs).`
      : null;
    const rows = document.stages.map((stage) => ({ load: stage.load, summary: stage.summary, passed: stage.passed, notSustained: stage.not_sustained })).sort((a, b) => a.load - b.load);
    const notes = [
      answer,
      ...(sizing ? [sizing] : []),
      `SLOs: ${document.slo.join('; ')}`,
      'A stage passes only when every SLO holds and the load was sustained: achieved within 5% of offered, client queue p99 under 10% of TTFT p99 when the in-flight cap was reached (rate stages), and no growing TTFT across the stage. The rate answered is the one the passing stages actually offered.',
      ...sustainNotes(document.stages),
      ...document.unmeasured.map((u) => `Load ${u.load} could not be measured and counts as a miss: ${u.reason}`),
      ...(server.simulated ? ['Measured against the built-in simulator, not a real server.'] : []),
    ];
    const files = await writeStageReport({ outDir, name: 'capacity', document, title: `llmperf capacity by ${by}`, notes, rows, by, knee: null, png: base.formats.includes('png') || base.formats.includes('html'),
      annotations: { slos, capacity: document.value } });
    return { document, outDir, files, notes, rows, simulated: server.simulated };
  } finally {
    await close();
  }
}

/** Options of {@link findCapacity}: the run options (without the load, which the search sets) and the search's own. */
export interface CapacityOptions extends Omit<RunOptions, 'concurrency' | 'rate'> {
  /** At least one, e.g. `["ttft_ms.p99 < 500"]`. An `error_rate <= maxErrorRate` bound is added unless one is given. */
  slo: string[];
  /** Search open-loop rates (default) or closed-loop concurrency. */
  by?: 'rate' | 'concurrency';
  /** With `by: "rate"`: the in-flight cap. */
  concurrency?: number;
  /** Stop when the answer interval is this narrow, e.g. `"10%"` or 0.1. Default 10%. */
  precision?: string | number;
  /** Time budget for the whole search. Default 10 minutes. */
  budget?: Duration;
  /** Sizing: requests/s the deployment must serve. */
  targetRate?: number;
  /** Sizing: run each replica this far below its capacity, e.g. `"20%"`. Default 20%. */
  headroom?: string | number;
  start?: number;
  maxLoad?: number;
  cooldown?: Duration;
  maxErrorRate?: number;
  /** Path POSTed on the server before every stage to empty its prefix cache (vLLM `/reset_prefix_cache`). */
  resetCache?: string;
}

const ms = (value: Duration | undefined, fallback: string) => (value === undefined ? fallback : typeof value === 'number' ? `${value}ms` : value);

/**
 * Finds the highest load at which every SLO holds: doubling from `start`, then bisecting. Writes
 * `capacity.json`, `report.html` and `charts/` in `out`; resolves with the capacity document (answer,
 * interval, every stage, sizing). A stage passes only when every SLO holds and the load was sustained.
 */
export async function findCapacity(options: CapacityOptions, hooks: StageHooks<CapacityStage> = {}): Promise<CapacityDocument> {
  const { by, precision, budget, targetRate, headroom, start, maxLoad, cooldown, maxErrorRate, resetCache, ...run } = options;
  const flags: CapacityFlags = {
    ...runOptionsToFlags(run, 'findCapacity'),
    by: by ?? CAPACITY_DEFAULTS.by,
    precision: precision === undefined ? CAPACITY_DEFAULTS.precision : String(precision),
    budget: ms(budget, CAPACITY_DEFAULTS.budget),
    targetRate: targetRate === undefined ? undefined : String(targetRate),
    headroom: headroom === undefined ? CAPACITY_DEFAULTS.headroom : String(headroom),
    start: start === undefined ? undefined : String(start),
    maxLoad: maxLoad === undefined ? undefined : String(maxLoad),
    cooldown: ms(cooldown, CAPACITY_DEFAULTS.cooldown),
    maxErrorRate: maxErrorRate === undefined ? CAPACITY_DEFAULTS.maxErrorRate : String(maxErrorRate),
    resetCache,
  };
  return (await capacityFromFlags(flags, hooks, run.apiKey)).document;
}
