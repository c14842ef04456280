// Benchmarks looked up by name: adding one is adding a file and a line here.
import { UsageError } from '../errors.js';
import { aime } from './benchmarks/aime.js';
import { arc } from './benchmarks/arc.js';
import { bbh } from './benchmarks/bbh.js';
import { ceval } from './benchmarks/ceval.js';
import { dynamicArithmetic } from './benchmarks/dynamic-arithmetic.js';
import { generalQa } from './benchmarks/general-qa.js';
import { gpqaDiamond } from './benchmarks/gpqa.js';
import { gsm8k } from './benchmarks/gsm8k.js';
import { hellaswag } from './benchmarks/hellaswag.js';
import { humaneval } from './benchmarks/humaneval.js';
import { ifeval } from './benchmarks/ifeval.js';
import { induction } from './benchmarks/induction.js';
import { injection } from './benchmarks/injection.js';
import { math } from './benchmarks/math.js';
import { math500 } from './benchmarks/math500.js';
import { mmlu } from './benchmarks/mmlu.js';
import { mmluPro } from './benchmarks/mmlu-pro.js';
import { needle } from './benchmarks/needle.js';
import { triviaqa } from './benchmarks/triviaqa.js';
import { truthfulqa } from './benchmarks/truthfulqa.js';
import type { Benchmark } from './types.js';

export const BENCHMARKS: ReadonlyMap<string, Benchmark> = new Map(
  [mmlu, ceval, arc, hellaswag, truthfulqa, gsm8k, math, humaneval, bbh, triviaqa, generalQa, dynamicArithmetic, ifeval, needle, mmluPro, gpqaDiamond, math500, aime, induction, injection].map((b) => [b.name, b]),
);

/** Accepted spellings besides the canonical names. */
const ALIASES: Record<string, string> = { 'general-qa': 'general_qa', 'c-eval': 'ceval', dynamic_arithmetic: 'dynamic-arithmetic', 'truthful_qa': 'truthfulqa', 'trivia_qa': 'triviaqa', niah: 'needle', 'mmlu-pro': 'mmlu_pro', mmlupro: 'mmlu_pro', gpqa: 'gpqa_diamond', 'gpqa-diamond': 'gpqa_diamond', 'math-500': 'math500', math_500: 'math500', needle_in_a_haystack: 'needle' };

/** The adapter for a name, or a UsageError listing the names that exist. */
export function getBenchmark(name: string): Benchmark {
  const key = name.trim().toLowerCase();
  const found = BENCHMARKS.get(ALIASES[key] ?? key);
  if (!found) throw new UsageError(`--datasets: unknown benchmark "${name}"; known: ${[...BENCHMARKS.keys()].join(', ')}`);
  return found;
}

/** Parses "mmlu,gsm8k" into adapters, in order, without duplicates. */
export function parseDatasets(list: string): Benchmark[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--datasets: give at least one benchmark name, e.g. --datasets mmlu,gsm8k');
  return [...new Set(names.map((n) => getBenchmark(n)))];
}
