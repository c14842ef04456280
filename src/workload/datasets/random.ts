// The `random` dataset: synthetic prompts of exact token lengths (with a real tokenizer) and an optional shared prefix.
import { fromText, type Prompt } from '../prompts.js';
import { seededRandom } from '../random.js';
import { sampleLength, type LengthSpec } from '../lengths.js';
import { CHARS_PER_TOKEN } from '../tokens.js';
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

const FALLBACK_WORDS = (
  'the model serves tokens fast when batches stay full and memory holds every sequence while ' +
  'schedulers admit new requests as old ones finish so latency depends on load cache and length'
).split(' ');

const pools = new WeakMap<TokenCounter, string[]>();

/**
 * Words that are exactly one token with a leading space (" word"), so n words joined by spaces are n
 * tokens and a length is hit on the first try. Checked against the tokenizer itself, never assumed.
 */
function wordPool(counter: TokenCounter): string[] {
  let pool = pools.get(counter);
  if (pool) return pool;
  pool = [];
  const seen = new Set<string>();
  for (const entry of counter.vocabulary()) {
    const word = entry.trim();
    if (!/^[A-Za-z]{2,12}$/.test(word) || seen.has(word)) continue;
    seen.add(word);
    if (counter.count(` ${word}`) === 1 && counter.count(`${word} ${word}`) <= 2) pool.push(word);
    if (pool.length >= 4000) break;
  }
  if (pool.length < 8) pool = FALLBACK_WORDS;
  pools.set(counter, pool);
  return pool;
}

/**
 * Appends pool words after `head` until the whole text is exactly `target` tokens: add the missing
 * count, drop the excess, repeat (bounded). Nearly always exact in one or two encodes; if a tokenizer
 * never lands exactly, the closest length at or below the target is kept.
 */
function fitExact(head: string, target: number, counter: TokenCounter, pool: string[], random: () => number): string {
  const words: string[] = [];
  const textOf = () => (words.length === 0 ? head : head.length === 0 ? words.join(' ') : `${head} ${words.join(' ')}`);
  let count = counter.count(textOf());
  let best = count <= target ? textOf() : head;
  for (let round = 0; round < 40 && count !== target; round++) {
    if (count < target) for (let k = count; k < target; k++) words.push(pool[Math.floor(random() * pool.length)]!);
    else words.length = Math.max(0, words.length - Math.max(1, count - target));
    // Oscillating around the target (a word worth 2 tokens): swap the last word for another one.
    if (round > 4 && words.length > 0 && count > target) words[words.length - 1] = pool[Math.floor(random() * pool.length)]!;
    count = counter.count(textOf());
    if (count <= target) best = textOf();
  }
  return count === target ? textOf() : best;
}

/** Text of exactly `chars` characters from pool words: the characters rule makes that `chars / 4` tokens. */
function fitChars(head: string, chars: number, random: () => number): string {
  let text = head;
  while (text.length < chars) text += (text.length > 0 ? ' ' : '') + FALLBACK_WORDS[Math.floor(random() * FALLBACK_WORDS.length)];
  return text.slice(0, Math.max(1, chars));
}

/**
 * `count` prompts, lengths drawn from `inputTokens`, every one different (random words) after a
 * shared prefix; the same seed gives the same prompts. Exact token counts with a real tokenizer;
 * with the characters rule, exact by that rule (4 characters a token).
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
        ? fitExact('', prefixTokens, counter, pool, seededRandom(options.seed ^ 0x2545f491))
        : fitChars('', prefixTokens * CHARS_PER_TOKEN, seededRandom(options.seed ^ 0x2545f491));
  const prompts: Prompt[] = [];
  for (let i = 0; i < options.count; i++) {
    const target = Math.max(sampleLength(options.inputTokens, lengths), prefixTokens + 1);
    const text = counter.exact ? fitExact(prefix, target, counter, pool, words) : fitChars(prefix, target * CHARS_PER_TOKEN, words);
    prompts.push(fromText(text, counter.count));
  }
  return prompts;
}
