// Needle in a haystack, generated on the fly: one fact hidden at chosen depths of filler text of chosen lengths.
import { UsageError } from '../../errors.js';
import { seededRandom } from '../../workload/random.js';
import { CHARS_PER_TOKEN } from '../../workload/tokens.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';

/** What `--needle-lengths`, `--needle-depths` and `--needle-samples` choose. */
export interface NeedleOptions {
  /** Prompt lengths in tokens (4 characters each: the client has no tokenizer of the server's). */
  lengthsTokens: number[];
  /** Where the needle sits, percent of the haystack before it (0 = first sentence, 100 = last). */
  depthsPercent: number[];
  /** Needles per (length, depth) cell, each with its own key, value and haystack. */
  samples: number;
}

export const DEFAULT_NEEDLE: NeedleOptions = { lengthsTokens: [1000, 4000, 16000], depthsPercent: [0, 25, 50, 75, 100], samples: 2 };

interface NeedleData {
  key: string;
  value: string;
  lengthTokens: number;
  depthPercent: number;
  /** Where the needle really landed (it goes at a sentence boundary): characters before it over haystack characters. */
  actualDepth: number;
  prompt: string;
}

const nd = (item: EvalItem): NeedleData => item.data as unknown as NeedleData;

/** "1k,4000,32k" -> [1000, 4000, 32000]. */
export function parseNeedleLengths(text: string): number[] {
  return text.split(',').map((raw) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(k?)\s*$/i.exec(raw);
    const n = m ? Math.round(Number(m[1]) * (m[2] ? 1000 : 1)) : NaN;
    if (!Number.isFinite(n) || n < 200) throw new UsageError(`--needle-lengths: "${raw.trim()}" is not a length in tokens of at least 200 (e.g. 1k,4k,16k)`);
    return n;
  });
}

/** "0,50,100" -> [0, 50, 100] (percent). */
export function parseNeedleDepths(text: string): number[] {
  return text.split(',').map((raw) => {
    const n = Number(raw.trim().replace(/%$/, ''));
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`--needle-depths: "${raw.trim()}" is not a percentage between 0 and 100 (e.g. 0,25,50,75,100)`);
    return n;
  });
}

// Filler vocabulary without digits, so the needle's number is the only number in the prompt.
const ADJ = ['quiet', 'amber', 'distant', 'careful', 'hollow', 'bright', 'patient', 'narrow', 'gentle', 'rusty', 'silver', 'humble', 'restless', 'ancient', 'sudden', 'woolen'];
const NOUN = ['harbor', 'lantern', 'orchard', 'meadow', 'violin', 'compass', 'ledger', 'bridge', 'kettle', 'glacier', 'market', 'library', 'garden', 'canal', 'tower', 'workshop'];
const VERB = ['watches', 'remembers', 'shelters', 'follows', 'outlasts', 'greets', 'measures', 'hides', 'carries', 'borrows'];
const ADV = ['slowly', 'every morning', 'without complaint', 'in the rain', 'after the harvest', 'as the tide turns', 'before dawn', 'all winter'];
const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function fillerSentence(r: () => number): string {
  return `The ${pick(r, ADJ)} ${pick(r, NOUN)} ${pick(r, VERB)} the ${pick(r, ADJ)} ${pick(r, NOUN)} ${pick(r, ADV)}.`;
}

/** The question, RULER niah_single style; the simulator matches on it, so it names the item's unique key. */
const question = (key: string): string => `What is the special magic number for ${key} mentioned in the provided text?`;

/** One item: filler up to the length, the needle inserted at the sentence boundary nearest below the depth. */
export function makeNeedle(r: () => number, key: string, lengthTokens: number, depthPercent: number): NeedleData {
  const value = String(1_000_000 + Math.floor(r() * 9_000_000));
  const needle = `The special magic number for ${key} is: ${value}.`;
  const head = 'Some special magic numbers are hidden within the following text. Make sure to memorize it. I will quiz you about the numbers afterwards.\n';
  const tail = `\n${question(key)} Answer: The special magic number for ${key} mentioned in the provided text is`;
  const budgetChars = lengthTokens * CHARS_PER_TOKEN - head.length - tail.length - needle.length - 1;
  const sentences: string[] = [];
  let used = 0;
  for (let s = fillerSentence(r); used + s.length + 1 <= budgetChars; s = fillerSentence(r)) {
    sentences.push(s);
    used += s.length + 1;
  }
  const target = (depthPercent / 100) * used;
  let at = 0;
  for (let before = 0; at < sentences.length && before + sentences[at]!.length + 1 <= target; at++) before += sentences[at]!.length + 1;
  const before = sentences.slice(0, at).join(' ');
  const haystack = [...sentences.slice(0, at), needle, ...sentences.slice(at)].join(' ');
  return { key, value, lengthTokens, depthPercent, actualDepth: used > 0 ? Math.min(1, (before.length + (at > 0 ? 1 : 0)) / used) : 0, prompt: head + haystack + tail };
}

/** Every cell's needles, seeded: the same options and seed give the same prompts, keys never repeat. */
export function generateNeedles(seed: number, options: NeedleOptions): EvalItem[] {
  const r = seededRandom(seed ^ 0x6e656564);
  const keys = new Set<string>();
  const items: EvalItem[] = [];
  for (const length of options.lengthsTokens) {
    for (const depth of options.depthsPercent) {
      for (let i = 0; i < options.samples; i++) {
        let key = `${pick(r, ADJ)}-${pick(r, NOUN)}`;
        for (let n = 2; keys.has(key); n++) key = `${pick(r, ADJ)}-${pick(r, NOUN)}-${'abcdefghijklmnopqrstuvwxyz'[n % 26]}${keys.size}`;
        keys.add(key);
        const data = makeNeedle(r, key, length, depth);
        items.push({ id: `needle/${length}/${depth}/${i}`, subset: `length=${length}`, category: `depth=${depth}%`, source: `generated:seed-${seed}`, data: { ...data } });
      }
    }
  }
  return items;
}

/** RULER's string_match_all with one reference: the value appears in the reply (case-insensitive). */
export const needleFound = (value: string, reply: string): boolean => reply.toLowerCase().includes(value.toLowerCase());

/** Metric name of one (length, depth) cell, e.g. acc_len4000_depth50. */
export const cellMetric = (length: number, depth: number): string => `acc_len${length}_depth${depth}`;

export const needle: Benchmark = {
  name: 'needle',
  folder: null,
  metric: 'accuracy',
  defaultFewShot: 0,
  async load(_dir, ctx): Promise<LoadedBenchmark> {
    const options = ctx.needle ?? DEFAULT_NEEDLE;
    const items = generateNeedles(ctx.seed, options);
    const notes = [
      `${items.length} needles generated from seed ${ctx.seed}: lengths ${options.lengthsTokens.join(', ')} tokens (4 characters each, approximate), depths ${options.depthsPercent.join(', ')}%, ${options.samples} per cell`,
      'subset rows are lengths, category rows are depths, acc_len<L>_depth<D> metrics are cells; latency per length is in the perf section only as a whole',
    ];
    return { items, shots: [], files: [], notes };
  },
  buildGenerate(item) {
    const d = nd(item);
    return { messages: [{ role: 'user', content: d.prompt }], maxTokens: 64, temperature: 0, match: question(d.key) };
  },
  async scoreGenerate(item, texts) {
    const d = nd(item);
    const found = needleFound(d.value, texts[0] ?? '') ? 1 : 0;
    return { value: found, extracted: /\d{7}/.exec(texts[0] ?? '')?.[0] ?? null, gold: d.value };
  },
  simAnswer(item) {
    const d = nd(item);
    const wrong = String(((Number(d.value) - 1_000_000 + 4_500_000) % 9_000_000) + 1_000_000);
    return [{ match: question(d.key), correct: `The special magic number for ${d.key} is ${d.value}.`, incorrect: `The special magic number for ${d.key} is ${wrong}.` }];
  },
  /** Accuracy in each (length, depth) cell: the heat map the needle test is known for, as flat metrics. */
  aggregate(samples) {
    const cells = new Map<string, { hit: number; n: number }>();
    for (const { item, score } of samples) {
      const name = cellMetric(nd(item).lengthTokens, nd(item).depthPercent);
      const cell = cells.get(name) ?? { hit: 0, n: 0 };
      cell.hit += score.value;
      cell.n += 1;
      cells.set(name, cell);
    }
    return Object.fromEntries([...cells].map(([name, c]) => [name, c.hit / c.n]));
  },
};
