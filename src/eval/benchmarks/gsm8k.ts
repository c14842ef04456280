// GSM8K: JSONL `{question, answer}` where the answer's reasoning ends in "#### N"; chain-of-thought, numeric match.
import { UsageError } from '../../errors.js';
import { extractGsm8kFlexible, extractGsm8kStrict, extractNumberFlexible, extractNumberMarked, gsm8kExactMatch, numbersEqual, normalizeNumber } from '../extract.js';
import { field, findFiles, parseJsonl, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, GenerateRequest, LoadedBenchmark, SampleScore, SimAnswer } from '../types.js';

export interface WordProblem {
  question: string;
  /** The worked solution without calculator annotations, ending "#### N". */
  solution: string;
  /** The final number, normalised ("1234", "-3.5"). */
  answer: string;
}

/** Splits a GSM8K answer into its final number; a missing "####" is a UsageError at the item's line. */
export function parseGsmAnswer(answer: string, where: string): { solution: string; answer: string } {
  const at = answer.lastIndexOf('####');
  if (at < 0) throw new UsageError(`${where}: answer does not end in "#### <number>"`);
  // <<48/2=24>> are the dataset's calculator annotations: not part of the reasoning a model should imitate.
  return { solution: answer.replace(/<<[^>]*>>/g, ''), answer: normalizeNumber(answer.slice(at + 4)) };
}

function readFile(file: string): EvalItem[] {
  return parseJsonl(readText(file), file).map(({ line, value }) => {
    const where = `${file}:${line}`;
    const parsed = parseGsmAnswer(field(value, 'answer', where), where);
    const data: WordProblem = { question: field(value, 'question', where), ...parsed };
    return { id: `gsm8k/${line}`, subset: 'main', source: where, data: { ...data } };
  });
}

export function wp(item: EvalItem): WordProblem {
  return item.data as unknown as WordProblem;
}

/** The chain-of-thought prompt shared with dynamic-arithmetic: worked examples, then the question. */
export function wordProblemPrompt(item: EvalItem, shots: readonly EvalItem[]): GenerateRequest {
  const examples = shots.map((s) => `Question: ${wp(s).question}\nAnswer: ${wp(s).solution}\n\n`).join('');
  const instruction = 'Solve the problem step by step, then give the final number on its own last line as "#### <number>".';
  const content = `${instruction}\n\n${examples}Question: ${wp(item).question}\nAnswer:`;
  return { messages: [{ role: 'user', content }], maxTokens: 768, temperature: 0, match: `Question: ${wp(item).question}\nAnswer:` };
}

/**
 * lm-evaluation-harness's two gsm8k metrics, string comparisons after its ignore list: exact_match_strict
 * (first "#### N", the headline) and exact_match_flexible (last number). Beside them, named as llmperf's
 * own lenient rule, exact_match_numeric: the last "####"/"The answer is" number (else the last number)
 * compared as a number, so "72.0" counts for 72.
 */
export function scoreWordProblem(item: EvalItem, texts: readonly string[]): SampleScore {
  const text = texts[0] ?? '';
  const gold = wp(item);
  const strict = extractGsm8kStrict(text);
  const flexible = extractGsm8kFlexible(text);
  const strictOk = gsm8kExactMatch(strict, gold.solution);
  const flexibleOk = gsm8kExactMatch(flexible, gold.solution);
  const numeric = extractNumberMarked(text) ?? extractNumberFlexible(text);
  const numericOk = numbersEqual(numeric, gold.answer) ? 1 : 0;
  return { value: strictOk, values: { exact_match_strict: strictOk, exact_match_flexible: flexibleOk, exact_match_numeric: numericOk }, extracted: strict ?? flexible, gold: gold.answer };
}

export function wordProblemSim(item: EvalItem): SimAnswer[] {
  const gold = wp(item).answer;
  const wrong = String(Number(gold) + 1);
  return [{ match: `Question: ${wp(item).question}\nAnswer:`, correct: `Working it out step by step.\n#### ${gold}`, incorrect: `Working it out step by step.\n#### ${wrong}` }];
}

export const gsm8k: Benchmark = {
  name: 'gsm8k',
  folder: 'gsm8k',
  metric: 'exact_match_strict',
  defaultFewShot: 5,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'gsm8k');
    const testFiles = findFiles(root, /(^|\/)test\.jsonl$/);
    if (testFiles.length === 0) throw new UsageError(`${root}: no test.jsonl (GSM8K's grade_school_math/data/test.jsonl)`);
    const trainFiles = findFiles(root, /(^|\/)train\.jsonl$/);
    return { items: testFiles.flatMap(readFile), shots: trainFiles.flatMap(readFile), files: [...testFiles, ...trainFiles], notes: [] };
  },
  buildGenerate: (item, shots) => wordProblemPrompt(item, shots),
  scoreGenerate: async (item, texts) => scoreWordProblem(item, texts),
  simAnswer: (item) => wordProblemSim(item),
};
