// Fresh, seeded grade-school arithmetic word problems with known answers: no model can have trained on them.
import { seededRandom } from '../../workload/random.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { scoreWordProblem, wordProblemPrompt, wordProblemSim, type WordProblem } from './gsm8k.js';

const NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Luca', 'Mei', 'Nora', 'Omar', 'Priya'];
const THINGS = ['apples', 'marbles', 'stickers', 'pencils', 'cookies', 'stamps', 'shells', 'books'];

type Template = (r: () => number) => WordProblem;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: () => number, low: number, high: number): number => low + Math.floor(r() * (high - low + 1));

/** Each template writes the question and its worked solution from the same numbers, so the answer is known. */
const TEMPLATES: Template[] = [
  (r) => {
    const [name, thing] = [pick(r, NAMES), pick(r, THINGS)];
    const [a, b, c] = [int(r, 10, 90), int(r, 5, 60), int(r, 1, 9)];
    const answer = a + b - c;
    return { question: `${name} has ${a} ${thing}. A friend gives ${name} ${b} more, and then ${name} gives away ${c}. How many ${thing} does ${name} have now?`, solution: `${a} + ${b} = ${a + b}. ${a + b} - ${c} = ${answer}.\n#### ${answer}`, answer: String(answer) };
  },
  (r) => {
    const [name, thing] = [pick(r, NAMES), pick(r, THINGS)];
    const [boxes, per, extra] = [int(r, 3, 19), int(r, 4, 25), int(r, 1, 30)];
    const answer = boxes * per + extra;
    return { question: `${name} buys ${boxes} boxes of ${thing} with ${per} in each box, and already had ${extra}. How many ${thing} does ${name} have in total?`, solution: `${boxes} * ${per} = ${boxes * per}. ${boxes * per} + ${extra} = ${answer}.\n#### ${answer}`, answer: String(answer) };
  },
  (r) => {
    const [name, thing] = [pick(r, NAMES), pick(r, THINGS)];
    const [friends, each] = [int(r, 2, 12), int(r, 3, 20)];
    const total = friends * each;
    return { question: `${name} shares ${total} ${thing} equally among ${friends} friends. How many ${thing} does each friend get?`, solution: `${total} / ${friends} = ${each}.\n#### ${each}`, answer: String(each) };
  },
  (r) => {
    const name = pick(r, NAMES);
    const [price, qty] = [int(r, 2, 15), int(r, 2, 9)];
    const cost = price * qty;
    const bill = (Math.floor(cost / 20) + 1) * 20;
    const answer = bill - cost;
    return { question: `${name} buys ${qty} notebooks at $${price} each and pays with $${bill}. How many dollars of change does ${name} get?`, solution: `${qty} * ${price} = ${cost}. ${bill} - ${cost} = ${answer}.\n#### ${answer}`, answer: String(answer) };
  },
  (r) => {
    const name = pick(r, NAMES);
    // At most 30 * 6 = 180 pages read, so at least 20 are left: no negative answers.
    const [pages, perDay, days] = [int(r, 200, 480), int(r, 8, 30), int(r, 2, 6)];
    const answer = pages - perDay * days;
    return { question: `A book has ${pages} pages. ${name} reads ${perDay} pages a day for ${days} days. How many pages are left to read?`, solution: `${perDay} * ${days} = ${perDay * days}. ${pages} - ${perDay * days} = ${answer}.\n#### ${answer}`, answer: String(answer) };
  },
];

/** `count` problems from `seed`; the same seed gives the same problems, and questions never repeat. */
export function generateProblems(seed: number, count: number): WordProblem[] {
  const random = seededRandom(seed);
  const seen = new Set<string>();
  const out: WordProblem[] = [];
  for (let attempt = 0; out.length < count && attempt < count * 20; attempt++) {
    const problem = TEMPLATES[attempt % TEMPLATES.length]!(random);
    if (seen.has(problem.question)) continue;
    seen.add(problem.question);
    out.push(problem);
  }
  return out;
}

const toItems = (problems: WordProblem[], prefix: string): EvalItem[] =>
  problems.map((p, i) => ({ id: `${prefix}/${i}`, subset: 'generated', source: `${prefix}#${i}`, data: { ...p } }));

export const dynamicArithmetic: Benchmark = {
  name: 'dynamic-arithmetic',
  folder: null,
  metric: 'exact_match_strict',
  defaultFewShot: 3,
  async load(_dir, ctx): Promise<LoadedBenchmark> {
    const count = ctx.limit ?? 100;
    // Few-shot examples come from a different seed, and any that collide with a test question are dropped.
    const items = toItems(generateProblems(ctx.seed, count), `seed-${ctx.seed}`);
    const questions = new Set(items.map((i) => (i.data as unknown as WordProblem).question));
    const shots = toItems(generateProblems(ctx.seed ^ 0x5eed, 10), 'shots').filter((s) => !questions.has((s.data as unknown as WordProblem).question));
    return { items, shots, files: [], notes: [`${items.length} problems generated from seed ${ctx.seed}`] };
  },
  buildGenerate: (item, shots) => wordProblemPrompt(item, shots),
  scoreGenerate: async (item, texts) => scoreWordProblem(item, texts),
  simAnswer: (item) => wordProblemSim(item),
};
