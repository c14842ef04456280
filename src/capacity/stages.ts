// Runs one stage of a sweep or capacity search: the base run plan at one load, in its own folder.
import { join } from 'node:path';
import type { RunPlan } from '../run/index.js';
import { executeRun, type SharedServer } from '../run/index.js';
import type { RunProgress } from '../run/hooks.js';
import type { ResultDocument, Summary } from '../metrics/schema.js';

export type LoadAxis = 'concurrency' | 'rate';

export interface StageResult {
  load: number;
  dir: string;
  summary: Summary;
  result: ResultDocument;
}

/** The base plan with the load applied: closed loop at `load` requests in flight, or open loop at `load` req/s. */
export function stagePlan(base: RunPlan, by: LoadAxis, load: number, dir: string): RunPlan {
  const formats = base.formats.filter((format) => format !== 'table' && format !== 'png');
  if (by === 'concurrency') {
    // At least two rounds per stage, so a stage reaches steady state instead of one burst and a tail.
    const requests = base.requests === null ? null : Math.max(base.requests, 2 * load);
    return { ...base, concurrency: load, ratePerS: null, requests, outDir: dir, formats, quiet: true, json: false };
  }
  return { ...base, ratePerS: load, outDir: dir, formats, quiet: true, json: false };
}

const label = (by: LoadAxis, load: number) => (by === 'concurrency' ? `concurrency-${load}` : `rate-${Number(load.toFixed(3))}`);

/** A stage's progress, for a live line inside each stage (the caller decides whether and how to show it). */
export type StageProgress = (load: number, progress: RunProgress) => void;

export async function runStage(base: RunPlan, by: LoadAxis, load: number, outDir: string, server: SharedServer, onProgress?: StageProgress): Promise<StageResult> {
  const dir = join(outDir, label(by, load));
  const { result } = await executeRun(stagePlan(base, by, load, dir), server, onProgress ? { onProgress: (progress) => onProgress(load, progress) } : {});
  return { load, dir, summary: result.summary, result };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A short untimed run before the first stage, so the first stage does not pay for connection setup
 * and the server's warm-up (JIT, CUDA graphs, caches). Its result is kept apart in `warmup/`.
 */
export async function warmUp(base: RunPlan, outDir: string, server: SharedServer): Promise<void> {
  const plan: RunPlan = { ...base, concurrency: 4, ratePerS: null, requests: 8, durationMs: null, outDir: join(outDir, 'warmup'), formats: ['json'], quiet: true, json: false };
  await executeRun(plan, server);
}
