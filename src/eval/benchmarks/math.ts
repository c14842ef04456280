// MATH (Hendrycks et al.): one JSON per problem `{problem, level, type, solution}` under test/<type>/; \boxed answers.
import { basename, dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { lastBoxed, lastBoxedLenient } from '../extract.js';
import { latexEquivalent, normalizeLatex } from '../latex.js';
import { field, findFiles, parseJsonl, readJson, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';

interface MathData {
  problem: string;
  solution: string;
  answer: string;
  level: string;
  type: string;
}

const md = (item: EvalItem): MathData => item.data as unknown as MathData;

function toItem(value: Record<string, unknown>, where: string, id: string): EvalItem {
  const solution = field(value, 'solution', where);
  const answer = typeof value.answer === 'string' ? value.answer : lastBoxedLenient(solution);
  if (answer === null) throw new UsageError(`${where}: solution has no \\boxed{...} answer`);
  const type = String(value.type ?? value.subject ?? 'unknown');
  const data: MathData = { problem: field(value, 'problem', where), solution, answer, level: String(value.level ?? ''), type };
  return { id, subset: type, source: where, data: { ...data } };
}

/** The published tree (split/<type>/<n>.json), or a JSONL of the same records (as MATH-500 ships). */
function readSplit(root: string, split: string): { items: EvalItem[]; files: string[] } {
  const jsonFiles = findFiles(root, new RegExp(`(^|/)${split}/[^/]+/[^/]+\\.json$`));
  const items = jsonFiles.map((file) => {
    const value = readJson(file);
    if (value === null || typeof value !== 'object') throw new UsageError(`${file}:1: expected a JSON object`);
    return toItem(value as Record<string, unknown>, file, `${basename(dirname(file))}/${basename(file, '.json')}`);
  });
  const jsonlFiles = findFiles(root, new RegExp(`(^|/)${split}\\.jsonl$`));
  for (const file of jsonlFiles) {
    for (const { line, value } of parseJsonl(readText(file), file)) items.push(toItem(value, `${file}:${line}`, `${split}/${line}`));
  }
  return { items, files: [...jsonFiles, ...jsonlFiles] };
}

export const math: Benchmark = {
  name: 'math',
  folder: 'math',
  metric: 'accuracy',
  defaultFewShot: 4,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'math');
    const test = readSplit(root, 'test');
    if (test.items.length === 0) throw new UsageError(`${root}: no test/<type>/<n>.json files (MATH's published layout)`);
    const train = readSplit(root, 'train');
    return { items: test.items, shots: train.items, files: [...test.files, ...train.files], notes: [] };
  },
  buildGenerate(item, shots) {
    const examples = shots.map((s) => `Problem:\n${md(s).problem}\n\nSolution:\n${md(s).solution}\n\n`).join('');
    const content = `Solve the problem. Put the final answer in \\boxed{}.\n\n${examples}Problem:\n${md(item).problem}\n\nSolution:`;
    return { messages: [{ role: 'user', content }], maxTokens: 1024, temperature: 0, match: `Problem:\n${md(item).problem}\n\nSolution:` };
  },
  async scoreGenerate(item, texts) {
    const extracted = lastBoxed(texts[0] ?? '');
    return { value: latexEquivalent(extracted, md(item).answer) ? 1 : 0, extracted, gold: md(item).answer };
  },
  simAnswer(item) {
    const gold = md(item).answer;
    const wrong = normalizeLatex(gold) === '0' ? '1' : '0';
    const match = `Problem:\n${md(item).problem}\n\nSolution:`;
    return [{ match, correct: `Working through it, the answer is $\\boxed{${gold}}$.`, incorrect: `Working through it, the answer is $\\boxed{${wrong}}$.` }];
  },
};
