// The simulator's answer key: for each loaded item, the reply in the benchmark's expected style (right and wrong).
import type { Benchmark, EvalItem, EvalMode, PromptContext, SimAnswer } from './types.js';

export interface LoadedForKey {
  benchmark: Benchmark;
  items: readonly EvalItem[];
}

/**
 * One entry per item (and per mode the item can be asked in), so the same simulator serves a generate run
 * and a loglikelihood run. The simulator answers `correct` with its configured probability, else `incorrect`.
 */
export function buildAnswerKey(sets: readonly LoadedForKey[], mode: EvalMode, ctx: PromptContext): SimAnswer[] {
  const key: SimAnswer[] = [];
  for (const { benchmark, items } of sets) {
    const itemMode: EvalMode = mode === 'loglikelihood' && benchmark.buildChoices ? 'loglikelihood' : 'generate';
    for (const item of items) key.push(...benchmark.simAnswer(item, itemMode, ctx));
  }
  return key;
}
