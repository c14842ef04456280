// MMLU-Pro (Wang et al. 2024): ten-option questions, 5-shot chain of thought, letters extracted as TIGER-Lab's evaluate_from_api.py does.
import { UsageError } from '../../errors.js';
import { findFiles, requireDir } from '../data.js';
import { readRecords, splitPattern, type SourcedRecord } from '../records.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { LETTERS } from './mc.js';

interface ProData {
  questionId: string;
  question: string;
  /** Options without the "N/A" padding the dataset uses to reach ten (the reference's preprocess). */
  options: string[];
  gold: number;
  category: string;
  /** Validation split only: the worked answer, "A: Let's think step by step. ... The answer is (X)." */
  cot: string;
}

const pd = (item: EvalItem): ProData => item.data as unknown as ProData;

function toItem({ where, value }: SourcedRecord, split: string): EvalItem {
  const options = value.options;
  if (!Array.isArray(options) || options.some((o) => typeof o !== 'string')) throw new UsageError(`${where}: "options" must be a list of strings`);
  const kept = (options as string[]).filter((o) => o !== 'N/A');
  const letter = typeof value.answer === 'string' ? value.answer.trim() : '';
  const gold = typeof value.answer_index === 'number' ? value.answer_index : LETTERS.indexOf(letter);
  if (gold < 0 || gold >= kept.length) throw new UsageError(`${where}: answer ${JSON.stringify(value.answer ?? value.answer_index)} is not one of its ${kept.length} options`);
  if (typeof value.question !== 'string' || typeof value.category !== 'string') throw new UsageError(`${where}: needs "question" and "category" text fields`);
  const data: ProData = { questionId: String(value.question_id ?? where), question: value.question, options: kept, gold, category: value.category, cot: typeof value.cot_content === 'string' ? value.cot_content : '' };
  return { id: `mmlu_pro/${split}/${data.questionId}`, subset: data.category, source: where, data: { ...data } };
}

/** evaluate_from_api.py format_example: "Question: ...\nOptions: A. ...\nB. ...\nAnswer: <cot>\n\n". */
export function formatExample(question: string, options: readonly string[], cot = ''): string {
  let content = cot === '' ? "Let's think step by step." : cot;
  if (content.startsWith('A: ')) content = content.slice(3);
  return `Question: ${question}\nOptions: ${options.map((o, i) => `${LETTERS[i]}. ${o}\n`).join('')}Answer: ${content}\n\n`;
}

/**
 * extract_answer -> extract_again -> extract_final, on the reply with "**" removed (as single_request does):
 * the first "answer is (X)", else the last "answer: X" on the first line that has one, else the last
 * standalone letter A-J anywhere. Case-sensitive, as the reference.
 */
export function extractProAnswer(reply: string): string | null {
  const text = reply.split('**').join('');
  const first = /answer is \(?([A-J])\)?/.exec(text);
  if (first) return first[1]!;
  const again = /.*[aA]nswer:\s*([A-J])/.exec(text);
  if (again) return again[1]!;
  const all = [...text.matchAll(/\b[A-J]\b/g)];
  return all.length > 0 ? all[all.length - 1]![0] : null;
}

async function readSplit(root: string, split: string): Promise<{ items: EvalItem[]; files: string[] }> {
  const files = findFiles(root, splitPattern(split));
  const records = (await Promise.all(files.map(readRecords))).flat();
  return { items: records.map((r) => toItem(r, split)), files };
}

export const mmluPro: Benchmark = {
  name: 'mmlu_pro',
  folder: 'mmlu_pro',
  metric: 'accuracy',
  defaultFewShot: 5,
  async load(dir, ctx): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'mmlu_pro');
    const test = await readSplit(root, 'test');
    if (test.items.length === 0) throw new UsageError(`${root}: no test split (TIGER-Lab/MMLU-Pro data/test-00000-of-00001.parquet, or test.jsonl)`);
    const validation = ctx.fewShot === 0 ? { items: [], files: [] } : await readSplit(root, 'validation');
    const notes = ['a reply with no extractable letter is scored wrong (evaluate_from_api.py\'s running count; its re-summary draws a random letter instead)'];
    return { items: test.items, shots: validation.items, files: [...test.files, ...validation.files], notes };
  },
  // The reference's chain-of-thought examples are the validation questions of the same category.
  pickShots: (item, pool, k) => pool.filter((s) => pd(s).category === pd(item).category).slice(0, k),
  buildGenerate(item, shots) {
    const d = pd(item);
    const head = `The following are multiple choice questions (with answers) about ${d.category}. Think step by step and then output the answer in the format of "The answer is (X)" at the end.\n\n`;
    const examples = shots.map((s) => formatExample(pd(s).question, pd(s).options, pd(s).cot)).join('');
    const target = formatExample(d.question, d.options);
    return { messages: [{ role: 'user', content: head + examples + target }], maxTokens: 4000, temperature: 0, match: target.trimEnd() };
  },
  async scoreGenerate(item, texts) {
    const extracted = extractProAnswer(texts[0] ?? '');
    const gold = LETTERS[pd(item).gold]!;
    return { value: extracted === gold ? 1 : 0, extracted, gold };
  },
  simAnswer(item) {
    const d = pd(item);
    const wrong = LETTERS[(d.gold + 1) % d.options.length]!;
    const match = formatExample(d.question, d.options).trimEnd();
    return [{ match, correct: `Working through the options one by one. The answer is (${LETTERS[d.gold]}).`, incorrect: `Working through the options one by one. The answer is (${wrong}).` }];
  },
};
