// The `shared-prefix` dataset: G groups of prompts, each group one shared prefix (a system prompt, a RAG document) and P distinct suffixes.
import { UsageError } from '../../errors.js';
import { fromText, type Prompt } from '../prompts.js';
import { seededRandom } from '../random.js';
import type { TokenCounter } from '../tokenizer.js';
import { FALLBACK_WORDS, fitExact, threeLetterText, wordPool } from './random.js';

export interface SharedPrefixOptions {
  /** Requests to make prompts for (each draws a group by popularity). */
  count: number;
  groups: number;
  promptsPerGroup: number;
  prefixTokens: number;
  suffixTokens: number;
  /** Zipf exponent of group popularity: 0 uniform, larger more skewed (group 0 the most popular). */
  zipf: number;
  /** Every text derives from it: a sweep or capacity stage (its own seed) shares no prefix with another stage. */
  seed: number;
  counter: TokenCounter;
}

/**
 * Group popularity: P(g) proportional to 1 / (g + 1)^s (s = 0: uniform), as a cumulative table for sampling.
 * Zipf over groups is how system prompts and documents are shared in production: a few hot, a long tail.
 */
export function groupWeights(groups: number, zipf: number): number[] {
  const weights = Array.from({ length: groups }, (_, g) => 1 / (g + 1) ** zipf);
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/**
 * `count` prompts. Request i draws its group from the popularity weights; within a group, prompts go round
 * robin over the P suffixes, so a (prefix, suffix) pair repeats only after P requests of its group. Texts:
 * each group's prefix, then a unique suffix, every length exact with a real tokenizer (and by the
 * 4-characters rule, exact for the simulator, without one). The same seed gives the same prompts.
 */
export function sharedPrefixPrompts(options: SharedPrefixOptions): Prompt[] {
  const { counter, groups, promptsPerGroup, prefixTokens, suffixTokens } = options;
  if (groups * promptsPerGroup * (prefixTokens + suffixTokens) > 200_000_000) {
    throw new UsageError(`--prefix-groups ${groups} x --prompts-per-group ${promptsPerGroup}: too many tokens to build up front; use fewer groups or prompts per group`);
  }
  const pool = counter.exact ? wordPool(counter) : FALLBACK_WORDS;
  // A distinct head per group ("Group 3:"), so two groups never share even their first block by chance.
  const prefixes: Array<{ text: string; tokens: number }> = [];
  for (let g = 0; g < groups; g++) {
    const random = seededRandom((options.seed ^ Math.imul(g + 1, 0x9e3779b1)) >>> 0);
    const head = `Context ${options.seed.toString(36)}-${g}:`;
    if (counter.exact) prefixes.push(fitExact(head, counter.count(head), prefixTokens, counter, pool, random));
    else {
      // The head counts as its own tokens; the rest is three-letter words (one token each by the rule).
      const headTokens = counter.count(head);
      prefixes.push({ text: threeLetterText(head, Math.max(0, prefixTokens - headTokens), random), tokens: Math.max(prefixTokens, headTokens) });
    }
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of groupWeights(groups, options.zipf)) cumulative.push((sum += w));
  const pick = seededRandom((options.seed ^ 0x7f4a7c15) >>> 0);
  const words = seededRandom((options.seed ^ 0x3c6ef372) >>> 0);
  const built = new Map<number, Prompt>();
  const used = new Array<number>(groups).fill(0);
  const prompts: Prompt[] = [];
  for (let i = 0; i < options.count; i++) {
    const r = pick();
    let group = cumulative.findIndex((c) => r < c);
    if (group < 0) group = groups - 1;
    const slot = used[group]!++ % promptsPerGroup;
    const key = group * promptsPerGroup + slot;
    let prompt = built.get(key);
    if (prompt === undefined) {
      const prefix = prefixes[group]!;
      const target = prefix.tokens + suffixTokens;
      // The suffix starts with the request's own marker, so suffixes differ from their first token on.
      const head = `${prefix.text}\nQuestion ${slot}:`;
      if (counter.exact) {
        const { text, tokens } = fitExact(head, counter.count(head), target, counter, pool, words);
        prompt = fromText(text, () => tokens);
      } else {
        const headTokens = counter.count(head);
        prompt = fromText(threeLetterText(head, Math.max(0, target - headTokens), words), counter.count);
      }
      prompt.group = group;
      built.set(key, prompt);
    }
    prompts.push(prompt);
  }
  return prompts;
}
