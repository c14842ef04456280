// AIME: integer answers 0-999 in \boxed{}, zero-shot chain of thought; any year's file from the Hub's AIME sets.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { findFiles, requireDir } from '../data.js';
import { lastBoxed } from '../extract.js';
import { latexEquivalent } from '../latex.js';
import { readRecords } from '../records.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { boxedPrompt, boxedSim, type BoxedProblem } from './math500.js';

const ap = (item: EvalItem): BoxedProblem => item.data as unknown as BoxedProblem;

/** "042", "42", "\text{42}" and "42." all mean 42; anything else falls back to MATH's is_equiv. */
export function aimeEquivalent(extracted: string | null, gold: string): boolean {
  if (extracted === null) return false;
  const integer = (s: string): number | null => {
    const m = /^\s*(?:\\text\{\s*)?(\d+)(?:\s*\})?\s*\.?\s*$/.exec(s.replace(/^\$|\$$/g, ''));
    return m ? Number(m[1]) : null;
  };
  const [a, b] = [integer(extracted), integer(gold)];
  return a !== null && b !== null ? a === b : latexEquivalent(extracted, gold);
}

/** The contest year, from a `year` field, else a 19xx/20xx in the id, url or file name (the row the table breaks down by). */
function yearOf(value: Record<string, unknown>, file: string): string {
  if (value.year !== undefined && value.year !== null) return String(value.year);
  const m = /(19|20)\d\d/.exec(`${String(value.id ?? value.ID ?? '')} ${String(value.url ?? '')} ${basename(file)}`);
  return m ? m[0] : 'aime';
}

export const aime: Benchmark = {
  name: 'aime',
  folder: 'aime',
  metric: 'accuracy',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'aime');
    const files = findFiles(root, /\.(parquet|jsonl|json)$/);
    if (files.length === 0) throw new UsageError(`${root}: no .jsonl, .json or .parquet files (e.g. HuggingFaceH4/aime_2024, opencompass/AIME2025)`);
    const items: EvalItem[] = [];
    for (const file of files) {
      for (const { where, value } of await readRecords(file)) {
        // Sets name the text "problem" (AI-MO, HuggingFaceH4) or "question" (opencompass).
        const problem = value.problem ?? value.question ?? value.Problem;
        const answer = value.answer ?? value.Answer;
        if (typeof problem !== 'string' || (typeof answer !== 'string' && typeof answer !== 'number')) throw new UsageError(`${where}: needs "problem" (or "question") text and an "answer"`);
        const data: BoxedProblem = { problem, answer: String(answer).trim() };
        items.push({ id: `aime/${String(value.id ?? value.ID ?? where)}`, subset: yearOf(value, file), source: where, data: { ...data } });
      }
    }
    return { items, shots: [], files, notes: ['one greedy answer per problem (temperature 0); papers often report the mean of several sampled answers instead'] };
  },
  buildGenerate: (item) => boxedPrompt(item, 4096),
  async scoreGenerate(item, texts) {
    const extracted = lastBoxed(texts[0] ?? '');
    return { value: aimeEquivalent(extracted, ap(item).answer) ? 1 : 0, extracted, gold: ap(item).answer };
  },
  simAnswer: (item) => boxedSim(item, String((Number(ap(item).answer) + 1) % 1000)),
};
