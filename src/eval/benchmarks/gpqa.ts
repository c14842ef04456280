// GPQA Diamond (Rein et al. 2023): four-choice graduate science questions, choices shuffled with a fixed seed, simple-evals prompt and regex.
import { UsageError } from '../../errors.js';
import { findFiles, parseCsv, readText, requireDir } from '../data.js';
import { seededRandom } from '../../workload/random.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';

interface GpqaData {
  question: string;
  /** The four answers in the order shown (A-D), after the seeded shuffle. */
  choices: string[];
  gold: number;
  domain: string;
  subdomain: string;
}

const gd = (item: EvalItem): GpqaData => item.data as unknown as GpqaData;
const LETTERS = ['A', 'B', 'C', 'D'];
const COLUMNS = ['Question', 'Correct Answer', 'Incorrect Answer 1', 'Incorrect Answer 2', 'Incorrect Answer 3'];

/** A uniform permutation of 0..n-1 (Fisher-Yates) from the generator. */
export function permutation(random: () => number, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * The published gpqa_diamond.csv, one row per question. As simple-evals does, one generator (seeded once
 * with --seed) draws a permutation per question in file order, applied to [correct, incorrect 1..3]: the same
 * seed gives every model the same order. The generator is llmperf's, so the orders differ from simple-evals'
 * Python random.Random(0); the gold letter is spread evenly over A-D all the same.
 */
export function readGpqa(file: string, seed: number): EvalItem[] {
  const rows = parseCsv(readText(file), file);
  const header = rows[0]?.fields.map((h) => h.trim()) ?? [];
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new UsageError(`${file}:1: missing column(s) ${missing.map((m) => `"${m}"`).join(', ')} (GPQA's published CSV header)`);
  const col = (name: string): number => header.indexOf(name);
  const random = seededRandom(seed ^ 0x67707161);
  return rows.slice(1).map(({ line, fields }) => {
    const get = (name: string): string => (col(name) >= 0 ? (fields[col(name)] ?? '') : '');
    const answers = COLUMNS.slice(1).map(get);
    if (answers.some((a) => a.trim() === '') || get('Question').trim() === '') throw new UsageError(`${file}:${line}: empty question or answer`);
    const order = permutation(random, 4);
    const data: GpqaData = { question: get('Question'), choices: order.map((i) => answers[i]!), gold: order.indexOf(0), domain: get('High-level domain') || 'unknown', subdomain: get('Subdomain') };
    return { id: `gpqa/${get('Record ID') || line}`, subset: data.domain, source: `${file}:${line}`, data: { ...data } };
  });
}

/** simple-evals QUERY_TEMPLATE_MULTICHOICE. */
export function gpqaPrompt(d: Pick<GpqaData, 'question' | 'choices'>): string {
  const [a, b, c, e] = d.choices;
  return `Answer the following multiple choice question. The last line of your response should be of the following format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before answering.\n\n${d.question}\n\nA) ${a}\nB) ${b}\nC) ${c}\nD) ${e}`;
}

/** simple-evals ANSWER_PATTERN_MULTICHOICE, first match; (?i) makes "answer: b" match, and "b" is then not "B" (as there). */
export function extractGpqaAnswer(reply: string): string | null {
  return /Answer[ \t]*:[ \t]*\$?([A-D])\$?/i.exec(reply)?.[1] ?? null;
}

export const gpqaDiamond: Benchmark = {
  name: 'gpqa_diamond',
  folder: 'gpqa',
  metric: 'accuracy',
  defaultFewShot: 0,
  async load(dir, ctx): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'gpqa_diamond');
    const files = findFiles(root, /(^|\/)gpqa_diamond\.csv$/);
    if (files.length === 0) throw new UsageError(`${root}: no gpqa_diamond.csv (from GPQA's dataset.zip or the Hub's Idavidrein/gpqa)`);
    const items = files.flatMap((f) => readGpqa(f, ctx.seed));
    return { items, shots: [], files, notes: [`choices shuffled per question with seed ${ctx.seed} (llmperf's generator, not Python's: same seed, same order for every model)`] };
  },
  buildGenerate(item) {
    const prompt = gpqaPrompt(gd(item));
    return { messages: [{ role: 'user', content: prompt }], maxTokens: 4096, temperature: 0, match: prompt };
  },
  async scoreGenerate(item, texts) {
    const extracted = extractGpqaAnswer(texts[0] ?? '');
    const gold = LETTERS[gd(item).gold]!;
    return { value: extracted === gold ? 1 : 0, extracted, gold };
  },
  simAnswer(item) {
    const d = gd(item);
    return [{ match: gpqaPrompt(d), correct: `Reasoning about each option.\nAnswer: ${LETTERS[d.gold]}`, incorrect: `Reasoning about each option.\nAnswer: ${LETTERS[(d.gold + 1) % 4]}` }];
  },
};
