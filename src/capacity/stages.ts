// Runs the stages of a sweep or capacity search: the base run plan at one load, in its own folder, isolated from the others.
import { join } from 'node:path';
import type { RunPlan } from '../run/index.js';
import { executeRun, type SharedServer } from '../run/index.js';
import type { RunProgress } from '../run/hooks.js';
import type { ResultDocument, Summary } from '../metrics/schema.js';
import { readRequestRecords } from '../report/index.js';
import { StagePrompts, stageSeed, type PromptGenerator, type StagePromptInfo } from './prompts.js';
import { resetCache, type CacheReset } from './reset-cache.js';
import { judgeStage, type Sustain } from './sustain.js';

export type LoadAxis = 'concurrency' | 'rate';

export interface StageResult {
  load: number;
  dir: string;
  summary: Summary;
  result: ResultDocument;
  /** Stage number (0 = the warm-up) and the seed derived from --seed for it. */
  index: number;
  seed: number;
  prompts: StagePromptInfo;
  /** The --reset-cache call made before this stage (null without --reset-cache). */
  cacheReset: CacheReset | null;
  sustain: Sustain;
  /** False when the load was not sustained or not stable (sustain.reasons says why). */
  sustained: boolean;
}

/** How stages are isolated from each other: fresh prompts per stage, and optionally an emptied server cache. */
export interface StageIsolation {
  /** Synthetic prompts from a seed (`--dataset random`); null: slices of the plan's dataset file. */
  generate: PromptGenerator | null;
  /** --reset-cache: the path to POST before every stage. */
  resetPath: string | null;
  warn?: (text: string) => void;
  /** Progress inside each measured stage (about every 250 ms), for a live line; the caller decides how to show it. */
  onProgress?: StageProgress;
}

/** A stage's progress with the load it runs at. */
export type StageProgress = (load: number, progress: RunProgress) => void;

/** The base plan with the load applied: closed loop at `load` requests in flight, or open loop at `load` req/s. */
export function stagePlan(base: RunPlan, by: LoadAxis, load: number, dir: string): RunPlan {
  const formats = base.formats.filter((format) => format !== 'table' && format !== 'png');
  if (by === 'concurrency') {
    // At least two rounds per stage, so a stage reaches steady state instead of one burst and a tail.
    const requests = base.requests === null ? null : Math.max(base.requests, 2 * load);
    return { ...base, concurrency: load, ratePerS: null, requests, outDir: dir, formats, quiet: true, json: false, overwrite: true };
  }
  // overwrite: the command checked its whole folder (stages included) before the first stage.
  return { ...base, ratePerS: load, outDir: dir, formats, quiet: true, json: false, overwrite: true };
}

const label = (by: LoadAxis, load: number) => (by === 'concurrency' ? `concurrency-${load}` : `rate-${Number(load.toFixed(3))}`);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs stages one after another against one server. Stage i (0 = the warm-up) runs with a seed derived
 * from --seed and i, and with prompts no earlier stage sent; with --reset-cache the server's prefix cache
 * is emptied before each measured stage.
 */
export class StageRunner {
  private next = 0;
  private readonly prompts: StagePrompts;

  constructor(
    private readonly base: RunPlan,
    private readonly server: SharedServer,
    private readonly isolation: StageIsolation,
  ) {
    this.prompts = new StagePrompts(base.prompts, isolation.generate, isolation.warn);
  }

  /** One stage at `load`, written to `outDir/<label>` (or to `dir` exactly when given). */
  async run(by: LoadAxis, load: number, outDir: string, dir = join(outDir, label(by, load))): Promise<StageResult> {
    const cacheReset = this.isolation.resetPath === null ? null : await this.resetEveryReplica(this.isolation.resetPath);
    return this.execute(stagePlan(this.base, by, load, dir), by, load, cacheReset, this.isolation.onProgress);
  }

  /**
   * A short untimed run before the first stage, so the first stage does not pay for connection setup and
   * the server's warm-up (JIT, CUDA graphs, caches). Stage 0: its prompts are not sent again. Kept in `warmup/`.
   */
  async warmUp(outDir: string): Promise<StageResult> {
    const plan: RunPlan = { ...this.base, concurrency: 4, ratePerS: null, requests: 8, durationMs: null, warmupRequests: 0, outDir: join(outDir, 'warmup'), formats: ['json'], quiet: true, json: false, overwrite: true };
    return this.execute(plan, 'concurrency', 4, null);
  }

  private async execute(plan: RunPlan, by: LoadAxis, load: number, cacheReset: CacheReset | null, onProgress?: StageProgress): Promise<StageResult> {
    const index = this.next++;
    const seed = stageSeed(this.base.seed, index);
    const seeded = { ...plan, seed };
    const { prompts, info } = this.prompts.forStage(seeded);
    const { result } = await executeRun({ ...seeded, prompts }, this.server, onProgress ? { onProgress: (progress) => onProgress(load, progress) } : {});
    const records = readRequestRecords(join(plan.outDir!, 'requests.csv'));
    // The engine's own seed (a --shard run derives one per shard), which ordered the prompts it sent.
    this.prompts.consumed(prompts, typeof result.config.seed === 'number' ? result.config.seed : seed, records);
    const sustain = judgeStage(by, result.summary, records, plan.warmupRequests, plan.concurrency);
    return { load, dir: plan.outDir!, summary: result.summary, result, index, seed, prompts: info, cacheReset, sustain, sustained: sustain.reasons.length === 0 };
  }

  /**
   * --reset-cache on every replica (--url repeated): a stage's hits must be its own on each of them. The first replica's
   * outcome is recorded; a failure on any other is what `ok` and `error` report, naming that replica's URL.
   */
  private async resetEveryReplica(path: string): Promise<CacheReset> {
    const replicas = this.base.replicas && this.server.baseUrl === this.base.baseUrl ? this.base.replicas : [this.server.baseUrl];
    const resets = await Promise.all(replicas.map((baseUrl) => resetCache({ ...this.target(), baseUrl }, path)));
    return resets.find((reset) => !reset.ok) ?? resets[0]!;
  }

  private target() {
    return { baseUrl: this.server.baseUrl, apiKey: this.base.apiKey, headers: this.base.headers, rejectUnauthorized: this.base.rejectUnauthorized };
  }
}

/** What sweep.json / capacity.json record of a stage beyond its summary. */
export function stageRecord(stage: StageResult) {
  return {
    seed: stage.seed,
    prompts: stage.prompts,
    cache_reset: stage.cacheReset,
    not_sustained: !stage.sustained,
    sustain: stage.sustain,
  };
}
