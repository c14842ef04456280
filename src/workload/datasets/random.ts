// The `random` dataset: synthetic prompts of exact token lengths (with a real tokenizer) and an optional shared prefix.
import { fromText, type Prompt } from '../prompts.js';
import { seededRandom } from '../random.js';
import { sampleLength, type LengthSpec } from '../lengths.js';
import type { TokenCounter } from '../tokenizer.js';

export interface RandomDatasetOptions {
  count: number;
  /** Total input length of each prompt, the shared prefix included. */
  inputTokens: LengthSpec;
  /** Tokens at the start of every prompt that are the same for all (tests prefix caching); 0 for none. */
  prefixTokens: number;
  seed: number;
  counter: TokenCounter;
}

export const FALLBACK_WORDS = (
  'the model serves tokens fast when batches stay full and memory holds every sequence while ' +
  'schedulers admit new requests as old ones finish so latency depends on load cache and length'
).split(' ');

const pools = new WeakMap<TokenCounter, string[]>();

/**
 * Words that are exactly one token with a leading space (" word"), so n words joined by spaces are n
 * tokens and a length is hit on the first try. Checked against the tokenizer itself, never assumed.
 */
export function wordPool(counter: TokenCounter): string[] {
  let pool = pools.get(counter);
  if (pool) return pool;
  pool = [];
  const seen = new Set<string>();
  // The cost of a word in running text, after another word: right for byte-level BPE (" word") and for
  // SentencePiece's metaspace ("▁word") alike, where a word alone may carry a prefix-space token.
  const base = counter.count('the');
  for (const entry of counter.vocabulary()) {
    const word = entry.trim();
    if (!/^[A-Za-z]{2,12}$/.test(word) || seen.has(word)) continue;
    seen.add(word);
    if (counter.count(`the ${word}`) - base === 1) pool.push(word);
    if (pool.length >= 4000) break;
  }
  if (pool.length === 0) pool = FALLBACK_WORDS;
  pools.set(counter, pool);
  return pool;
}

/** Short pieces tried last, to close a gap of one or two tokens that whole words overshoot. */
const FILLERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/**
 * Appends pool words after `head` until the whole text is exactly `target` tokens, checking every step
 * with the tokenizer. Bulk phase: add or drop words in proportion to the gap (usually exact at once);
 * then drop words until at or below the target; then close the last gap word by word, keeping only
 * additions that do not overshoot. Bounded; if a tokenizer never lands exactly, the closest length
 * below the target is kept.
 */
export function fitExact(
  head: string,
  headCount: number,
  target: number,
  counter: TokenCounter,
  pool: string[],
  random: () => number,
): { text: string; tokens: number } {
  const words: string[] = [];
  // Every word follows a space, the first one too: pool words are one token exactly in that form.
  const textOf = () => (words.length === 0 ? head : `${head} ${words.join(' ')}`);
  const pick = () => pool[Math.floor(random() * pool.length)]!;
  let count = headCount;
  for (let round = 0; round < 20 && count !== target; round++) {
    const perWord = words.length > 0 ? Math.max(1, (count - headCount) / words.length) : 1;
    if (count < target) {
      const add = Math.max(1, Math.floor((target - count) / perWord));
      for (let k = 0; k < add; k++) words.push(pick());
    } else words.length = Math.max(0, words.length - Math.max(1, Math.floor((count - target) / perWord)));
    count = counter.count(textOf());
  }
  while (count > target && words.length > 0) {
    words.pop();
    count = counter.count(textOf());
  }
  for (let attempt = 0; attempt < 200 && count < target; attempt++) {
    const candidate = attempt < 20 ? pick() : FILLERS[attempt % FILLERS.length]!;
    words.push(candidate);
    const next = counter.count(textOf());
    if (next <= target) count = next;
    else words.pop();
  }
  return { text: textOf(), tokens: count };
}

/**
 * Common three-letter English words. " the" is 4 characters, and one token in the usual BPE vocabularies
 * and in the simulator's rule, so n of them joined by spaces are n tokens by the 4-characters rule
 * (4n - 1 characters), exactly n for the simulator, and very nearly n for real tokenizers.
 */
const THREE_LETTER_WORDS = (
  'the and for are but not you all any can had her was one our out day get has him his how man new now old see ' +
  'two way who boy did its let put say she too use big end far few got low own run set top try why yes ago air'
).split(' ');

/** `head` followed by `count` three-letter words (see above), so the characters rule counts exactly. */
export function threeLetterText(head: string, count: number, random: () => number): string {
  const words: string[] = head.length > 0 ? [head] : [];
  for (let i = 0; i < count; i++) words.push(THREE_LETTER_WORDS[Math.floor(random() * THREE_LETTER_WORDS.length)]!);
  return words.join(' ');
}

/**
 * `count` prompts, lengths drawn from `inputTokens`, every one different (random words) after a
 * shared prefix; the same seed gives the same prompts. Exact token counts with a real tokenizer;
 * without one, exact by the 4-characters rule and for the simulator, and close for real tokenizers.
 */
export function randomPrompts(options: RandomDatasetOptions): Prompt[] {
  const { counter, prefixTokens } = options;
  const lengths = seededRandom(options.seed ^ 0x51ed270b);
  const words = seededRandom(options.seed);
  const pool = counter.exact ? wordPool(counter) : FALLBACK_WORDS;
  const prefix =
    prefixTokens === 0
      ? ''
      : counter.exact
        ? fitExact('', 0, prefixTokens, counter, pool, seededRandom(options.seed ^ 0x2545f491)).text
        : threeLetterText('', prefixTokens, seededRandom(options.seed ^ 0x2545f491));
  const prefixCount = prefix.length === 0 ? 0 : counter.count(prefix);
  const prompts: Prompt[] = [];
  for (let i = 0; i < options.count; i++) {
    const target = Math.max(sampleLength(options.inputTokens, lengths), prefixTokens + 1);
    if (counter.exact) {
      // The fit already counted the text: no second encode per prompt.
      const { text, tokens } = fitExact(prefix, prefixCount, target, counter, pool, words);
      prompts.push(fromText(text, () => tokens));
    } else prompts.push(fromText(threeLetterText(prefix, target - prefixTokens, words), counter.count));
  }
  return prompts;
}
