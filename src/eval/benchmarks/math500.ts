// MATH-500 (Lightman et al.'s subset of MATH): zero-shot chain of thought, \boxed answer, Hendrycks' is_equiv.
import { UsageError } from '../../errors.js';
import { findFiles, requireDir } from '../data.js';
import { lastBoxed, lastBoxedLenient } from '../extract.js';
import { latexEquivalent, normalizeLatex } from '../latex.js';
import { readRecords, splitPattern } from '../records.js';
import type { Benchmark, EvalItem, GenerateRequest, LoadedBenchmark, SimAnswer } from '../types.js';

export interface BoxedProblem {
  problem: string;
  answer: string;
}

const bp = (item: EvalItem): BoxedProblem => item.data as unknown as BoxedProblem;

/** The instruction DeepSeek-R1 and Qwen2.5-Math report MATH-500 and AIME with, after the problem. */
export const BOXED_INSTRUCTION = 'Please reason step by step, and put your final answer within \\boxed{}.';

export function boxedPrompt(item: EvalItem, maxTokens: number): GenerateRequest {
  const problem = bp(item).problem;
  return { messages: [{ role: 'user', content: `${problem}\n${BOXED_INSTRUCTION}` }], maxTokens, temperature: 0, match: problem };
}

export function boxedSim(item: EvalItem, wrong: string): SimAnswer[] {
  const gold = bp(item).answer;
  return [{ match: bp(item).problem, correct: `Step by step, this gives $\\boxed{${gold}}$.`, incorrect: `Step by step, this gives $\\boxed{${wrong}}$.` }];
}

export const math500: Benchmark = {
  name: 'math500',
  folder: 'math500',
  metric: 'accuracy',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'math500');
    const files = findFiles(root, splitPattern('test'));
    if (files.length === 0) throw new UsageError(`${root}: no test.jsonl (HuggingFaceH4/MATH-500's published file)`);
    const items = (await Promise.all(files.map(readRecords))).flat().map(({ where, value }): EvalItem => {
      if (typeof value.problem !== 'string') throw new UsageError(`${where}: missing text field "problem"`);
      const answer = typeof value.answer === 'string' ? value.answer : typeof value.solution === 'string' ? lastBoxedLenient(value.solution) : null;
      if (answer === null) throw new UsageError(`${where}: no "answer" and no \\boxed{...} in "solution"`);
      const subject = String(value.subject ?? value.type ?? 'unknown');
      const data: BoxedProblem & { level: string } = { problem: value.problem, answer, level: String(value.level ?? '') };
      return { id: String(value.unique_id ?? where), subset: subject, category: data.level ? `level ${data.level}` : undefined, source: where, data: { ...data } };
    });
    return { items, shots: [], files, notes: [] };
  },
  buildGenerate: (item) => boxedPrompt(item, 2048),
  async scoreGenerate(item, texts) {
    const extracted = lastBoxed(texts[0] ?? '');
    return { value: latexEquivalent(extracted, bp(item).answer) ? 1 : 0, extracted, gold: bp(item).answer };
  },
  simAnswer: (item) => boxedSim(item, normalizeLatex(bp(item).answer) === '0' ? '1' : '0'),
};
