// What both eval modes share: the prepared benchmark, a mode's run, few-shot choice, progress, per-item metric records.
import type { ScoredSample } from './aggregate.js';
import type { executeJobs } from './execute.js';
import type { JudgeSummary } from './judge.js';
import type { RunOptions } from './runner.js';
import type { Benchmark, EvalItem, LoadedBenchmark, SampleScore, ScoreContext } from './types.js';

export interface ModeRun {
  samples: ScoredSample[];
  executed: Awaited<ReturnType<typeof executeJobs>>;
  prompts: unknown[];
  generation: Record<string, unknown>;
  /** Items with at least one usable answer. */
  scored: number;
  /** Judge-scored benchmarks: who judged and how many verdicts were unreadable. */
  judge?: JudgeSummary;
}

export interface Prepared {
  benchmark: Benchmark;
  loaded: LoadedBenchmark;
}

export function shotsFor(benchmark: Benchmark, item: EvalItem, pool: readonly EvalItem[], k: number): EvalItem[] {
  if (k <= 0) return [];
  return benchmark.pickShots ? benchmark.pickShots(item, pool, k) : pool.slice(0, k);
}

export const failed = (gold: string): SampleScore => ({ value: 0, extracted: null, gold });

/** Maps with at most `limit` calls pending at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Progress over `total` jobs of which `offset` (and `offsetFailed`) are already settled, e.g. the probe. */
export function progressFor(options: RunOptions, benchmark: string, offset = 0, offsetFailed = 0, offsetCached = 0): (answered: number, total: number, failedCount?: number, cached?: number) => void {
  return (answered, total, failedCount = 0, cached = 0) =>
    options.onProgress?.(benchmark, { done: answered + offset, total: total + offset, failed: failedCount + offsetFailed, cached: cached + offsetCached });
}

export function scoreContext(options: RunOptions): ScoreContext {
  return { seed: options.seed, allowCodeExecution: options.allowCodeExecution, codeTimeoutMs: options.codeTimeoutMs, unsafeNoSandbox: options.unsafeNoSandbox, rougeTokenizer: options.rougeTokenizer ?? 'rouge_score' };
}

/** The generate-mode headline (general_qa's depends on the ROUGE tokenizer). */
export function generateMetric(benchmark: Benchmark, ctx: ScoreContext): string {
  return benchmark.generateMetric?.(ctx) ?? benchmark.metric;
}


/** A failed item scores 0 on every metric (never the metric of an empty reply, which may not be 0). */
export function zeroed(values: Record<string, number> | undefined): Record<string, number> | undefined {
  return values ? Object.fromEntries(Object.keys(values).map((k) => [k, 0])) : undefined;
}

/** Every metric of the item with the headline's own entry, so the review file always names its value. */
export function withHeadline(values: Record<string, number> | undefined, headline: string, value: number): Record<string, number> {
  return { ...(values ?? {}), [headline]: value };
}

