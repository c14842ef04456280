// Shared by sweep and capacity (API and CLI): load lists, percentages, the base plan every stage starts from, and how stages are isolated.
import { sharedPrefixSpec } from '../workload/options.js';
import { UsageError } from '../errors.js';
import { checkRate } from '../workload/limits.js';
import { parsePositiveNumber } from '../util/parse.js';
import { toRunPlan, type RunFlags, type RunPlan } from '../run/plan.js';
import { parseResetPath, type CacheReset, type StageIsolation, type StageResult } from '../capacity/index.js';
import { loadWorkload } from '../workload/datasets/index.js';
import { parseLengthSpec } from '../workload/lengths.js';
import { tokenCounter } from '../workload/tokenizer.js';

/** `1,2,4,8` into numbers; whole numbers when `integer`. */
export function parseLoadList(text: string, flag: string, integer: boolean): number[] {
  const loads = text.split(',').map((part) => parsePositiveNumber(part.trim(), flag));
  if (integer && loads.some((load) => !Number.isInteger(load))) throw new UsageError(`${flag} ${text}: concurrency values must be whole numbers`);
  if (!integer) for (const load of loads) checkRate(load, flag);
  return [...new Set(loads)].sort((a, b) => a - b);
}

/** `20%` or `0.2` into 0.2. */
export function parseFraction(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value < 1)) throw new UsageError(`${flag} ${text}: use a percentage below 100%, such as 10% or 0.1`);
  return value;
}

/**
 * The base run plan shared by every stage: the run flags without the load, which each stage sets.
 * When the user bounds stages neither by count nor by time, each stage runs for `defaultStage`.
 */
export function basePlan(flags: RunFlags, defaultStage: string, load: { concurrency?: string; rate?: string }): RunPlan {
  const bounded = flags.requests !== undefined || flags.duration !== undefined;
  // Stages set the load themselves (a concurrency or a rate per stage); users are a run's load shape.
  if (flags.users !== undefined) throw new UsageError('--users shapes one run; sweep and capacity set each stage\'s load (--concurrency or --rate): drop --users');
  return toRunPlan({ ...flags, ...load, duration: bounded ? flags.duration : defaultStage });
}

/**
 * How the stages are kept apart: `--dataset random` makes fresh prompts from each stage's seed (same flags as
 * the run, the plan's token counter); file datasets are handed out in disjoint slices by the stage runner.
 */
export function stageIsolation(flags: RunFlags & { resetCache?: string }, plan: RunPlan, onNotice: (line: string) => void = () => {}): StageIsolation {
  const inputTokens = flags.inputTokens === undefined ? undefined : parseLengthSpec(flags.inputTokens, '--input-tokens');
  const outputTokens = flags.outputTokens === undefined ? undefined : parseLengthSpec(flags.outputTokens, '--output-tokens');
  const counter = plan.tokenCounter ?? tokenCounter(undefined);
  const generate =
    plan.datasetKind === 'random' || plan.datasetKind === 'shared-prefix'
      ? (seed: number, count: number) =>
          // Shared-prefix texts derive from the stage seed too: no stage finds another stage's prefixes in the cache.
          loadWorkload({ dataset: flags.dataset, datasetPath: flags.datasetPath, promptsFile: flags.prompts, inputTokens, prefixTokens: flags.prefixTokens === undefined ? undefined : Number(flags.prefixTokens), sharedPrefix: sharedPrefixSpec(flags), outputTokens, count, seed, counter }).prompts
      : null;
  return {
    generate,
    resetPath: flags.resetCache === undefined ? null : parseResetPath(flags.resetCache),
    warn: (text) => onNotice(`Warning: ${text}`),
  };
}

/** ` (cache reset ok)` or ` (cache reset FAILED: why)` for a stage's console line; empty without --reset-cache. */
export function resetNote(reset: CacheReset | null): string {
  if (reset === null) return '';
  return reset.ok ? `; cache reset ok (HTTP ${reset.status})` : `; cache reset FAILED (${reset.error}): the server's prefix cache may flatter this stage`;
}

/** One console line per probe or stage, saying when the load was not sustained and whether the cache was reset. */
export function stageLine(stage: StageResult, label: string): string {
  const s = stage.summary;
  const verdict = stage.sustained ? '' : `; NOT SUSTAINED: ${stage.sustain.reasons.join('; ')}`;
  return `${label}: ${s.output_tokens_per_s.toFixed(1)} output tok/s, ${s.qps.toFixed(2)} req/s, TTFT p99 ${s.ttft_ms.p99} ms, ${s.failed} failed${verdict}${resetNote(stage.cacheReset)}`;
}

/** Notes under the stage table: which loads were not sustained, and whether resetting the cache failed. */
export function sustainNotes(stages: ReadonlyArray<{ load: number; not_sustained: boolean; cache_reset: CacheReset | null }>): string[] {
  const notes: string[] = [];
  const unsustained = stages.filter((s) => s.not_sustained).map((s) => s.load);
  if (unsustained.length > 0) {
    notes.push(`not_sustained at load ${unsustained.join(', ')}: the server did not keep up with the offered load (see each stage's sustain.reasons); their latencies are not those of a steady state.`);
  }
  const failed = stages.filter((s) => s.cache_reset !== null && !s.cache_reset.ok);
  if (failed.length > 0) notes.push(`--reset-cache failed before ${failed.length} stage(s) (${failed[0]!.cache_reset!.error}): their prompts were new, but the server's cache was not emptied.`);
  return notes;
}
