// A sweep as a library call: stages of growing load from plain options, their document, report files and knee.
import { makeOutDir, refuseReuse } from '../util/out-dir.js';
import { join } from 'node:path';
import { runSweep, writeStageReport, type SweepDocument } from '../capacity/index.js';
import type { StageRow } from '../capacity/report.js';
import type { StageResult } from '../capacity/stages.js';
import { UsageError } from '../errors.js';
import { startSharedServer, type RunFlags, type RunHooks, type RunProgress } from '../run/index.js';
import { parseDurationMs, parsePositiveInt } from '../util/parse.js';
import { runOptionsToFlags, type Duration, type RunOptions } from './options.js';
import { basePlan, parseLoadList, stageIsolation, sustainNotes } from './stage-plan.js';

export const SWEEP_DEFAULTS = { cooldown: '2s', autoStages: '6' } as const;

/** The sweep's settings as text, as the CLI's flags give them. */
export interface SweepFlags extends RunFlags {
  cooldown: string;
  autoStages: string;
  resetCache?: string;
}

/** Callbacks of a sweep or a capacity search. */
export interface StageHooks<Stage = StageResult> extends Pick<RunHooks, 'onNotice'> {
  /** Called as each stage (and, for a sweep, each probe) ends; `label` names it, e.g. `stage rate 12.5`. */
  onStage?: (stage: Stage, label: string) => void;
  /** Progress inside the stage running at `load` (the snapshots runLoad's onProgress gets). */
  onStageProgress?: (load: number, progress: RunProgress) => void;
}

/** What a sweep leaves behind, with the lines the console prints under its table. */
export interface SweepOutput {
  document: SweepDocument;
  outDir: string;
  files: string[];
  notes: string[];
  /** The stage table's rows. */
  rows: StageRow[];
  simulated: boolean;
}

/** Validates the settings, runs every stage against one server (or one simulator) and writes sweep.json and the report. */
export async function sweepFromFlags(flags: SweepFlags, hooks: StageHooks = {}, apiKey?: string): Promise<SweepOutput> {
  const byRate = flags.rate !== undefined;
  if (byRate && flags.concurrency !== undefined && flags.concurrency.includes(',')) {
    throw new UsageError('sweep: give the stages with either --concurrency 1,4,16 or --rate 1,2,4, not both (with --rate, --concurrency is the in-flight cap)');
  }
  if (!byRate && flags.concurrency === undefined) {
    throw new UsageError('sweep: give the stages with --concurrency 1,4,16,64 or --rate 1,2,4,8 (or --rate auto)');
  }
  const auto = flags.rate === 'auto';
  const loads = auto ? 'auto' : byRate ? parseLoadList(flags.rate!, '--rate', false) : parseLoadList(flags.concurrency!, '--concurrency', true);
  // A rate sweep keeps --concurrency as its in-flight cap (default: the open-loop cap, as `run --rate` has; an
  // auto sweep's placeholder rate gets it too); a concurrency sweep sets it per stage.
  const plan = basePlan(flags, '15s', byRate ? { rate: auto ? '1' : String(loads[0]) } : { concurrency: String((loads as number[])[0]), rate: undefined });
  const base = apiKey === undefined ? plan : { ...plan, apiKey };
  const capGiven = flags.concurrency !== undefined || flags.maxConcurrency !== undefined;
  const isolation = stageIsolation(flags, base, hooks.onNotice);
  const cooldownMs = parseDurationMs(flags.cooldown, '--cooldown', true);
  const autoStages = parsePositiveInt(flags.autoStages, '--auto-stages');
  const outDir = base.outDir ?? join('reports', `sweep-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
  // A folder holding an earlier sweep's or search's stages is refused whole (stage runs then overwrite freely).
  refuseReuse(outDir, Boolean(flags.overwrite), true);
  makeOutDir(outDir);
  const { server, close } = await startSharedServer(base, hooks);
  try {
    const by = byRate ? 'rate' : 'concurrency';
    const document = await runSweep(
      base,
      { by, loads, autoStages, probeConcurrency: capGiven ? base.concurrency : 'search', cooldownMs, outDir, isolation: { ...isolation, onProgress: hooks.onStageProgress }, onStage: hooks.onStage },
      server,
    );
    const rows = document.stages.map((stage) => ({ load: stage.load, summary: stage.summary, notSustained: stage.not_sustained }));
    const notes = [
      ...sustainNotes(document.stages),
      document.knee === null
        ? 'No knee in the measured range: latency never grew faster than throughput.'
        : `Knee at ${by} ${document.knee}: beyond it latency p99 grows faster than throughput.`,
      ...(server.simulated ? ['Measured against the built-in simulator, not a real server.'] : []),
    ];
    const files = await writeStageReport({
      outDir, name: 'sweep', document, title: `llmperf sweep by ${by}`, notes, rows, by, knee: document.knee, png: base.formats.includes('png') || base.formats.includes('html'),
    });
    return { document, outDir, files, notes, rows, simulated: server.simulated };
  } finally {
    await close();
  }
}

/** Options of {@link sweep}: the run options, with the stages given as a list of concurrencies or rates. */
export interface SweepOptions extends Omit<RunOptions, 'concurrency' | 'rate'> {
  /** Closed-loop stages (`[1, 4, 16, 64]`); with `rate`, a single number: the in-flight cap. */
  concurrency?: number | number[];
  /** Open-loop stages in requests/s, or `"auto"`: rates between single-stream and maximum throughput. */
  rate?: number | number[] | 'auto';
  /** Pause between stages. Default 2 s. */
  cooldown?: Duration;
  /** With `rate: "auto"`: how many rates. Default 6. */
  autoStages?: number;
  /** Path POSTed on the server before every stage to empty its prefix cache (vLLM `/reset_prefix_cache`). */
  resetCache?: string;
}

const list = (value: number | number[] | 'auto' | undefined) => (value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value));

/**
 * Runs a sweep: the same workload at each load, a short warm-up first, then `sweep.json`, `report.html`
 * and `charts/` in `out`. Resolves with the sweep document (stages with their summaries, and the knee).
 */
export async function sweep(options: SweepOptions, hooks: StageHooks = {}): Promise<SweepDocument> {
  const { concurrency, rate, cooldown, autoStages, resetCache, ...run } = options;
  const flags: SweepFlags = {
    ...runOptionsToFlags(run, 'sweep'),
    concurrency: list(concurrency),
    rate: list(rate),
    cooldown: cooldown === undefined ? SWEEP_DEFAULTS.cooldown : typeof cooldown === 'number' ? `${cooldown}ms` : cooldown,
    autoStages: autoStages === undefined ? SWEEP_DEFAULTS.autoStages : String(autoStages),
    resetCache,
  };
  return (await sweepFromFlags(flags, hooks, run.apiKey)).document;
}
