// Legacy completions log-probabilities for `echo: true` requests, and vLLM's /tokenize, over the simple token rule.
import { findEntry, knowsAnswer } from './content.js';
import type { MockConfig } from './options.js';
import { hash32, tokenizeSimple } from './tokens.js';

/** The log-probability given to each token of a known answer's tail (near-certain). */
export const KNOWN_TAIL_LOGPROB = -0.05;

/** Stable pseudo token id of a token's text (what /tokenize returns). */
export function tokenId(text: string): number {
  return hash32(text) % 100_000;
}

/** Deterministic log-probability of a token at a position, in [-8, -2]. */
export function tokenLogprob(text: string, seed: number): number {
  return -2 - (6 * hash32(text, seed)) / 4294967296;
}

export interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

/**
 * Log-probabilities of prompt + generated text. The first token's is null (nothing precedes it). When the
 * prompt asks about an answer-key question and ends with the answer the simulator "gives" for it (the
 * correct one if it knows the question, else the incorrect one), the tokens of that tail get -0.05 each,
 * so a log-likelihood eval picks that answer.
 */
export function echoLogprobs(config: Pick<MockConfig, 'answerKey' | 'answerAccuracy' | 'seed'>, prompt: string, generated: string): LegacyLogprobs {
  let tailStart = Infinity;
  const entry = findEntry(config.answerKey, prompt);
  if (entry) {
    const given = knowsAnswer(entry.match, config.seed, config.answerAccuracy) ? entry.correct : entry.incorrect;
    const trimmed = prompt.trimEnd();
    if (given.trim() !== '' && trimmed.endsWith(given.trim())) tailStart = trimmed.length - given.trim().length;
  }
  const out: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  const all = tokenizeSimple(prompt + generated);
  all.forEach((t, i) => {
    const lp = i === 0 ? null : t.offset + t.text.length > tailStart && t.offset < prompt.length ? KNOWN_TAIL_LOGPROB : tokenLogprob(t.text, config.seed);
    out.tokens.push(t.text);
    out.token_logprobs.push(lp);
    out.top_logprobs.push(lp === null ? null : { [t.text]: lp });
    out.text_offset.push(t.offset);
  });
  return out;
}

/** vLLM's /tokenize answer for a prompt text. */
export function tokenizeResponse(text: string): { tokens: number[]; count: number; max_model_len: number } {
  const tokens = tokenizeSimple(text).map((t) => tokenId(t.text));
  return { tokens, count: tokens.length, max_model_len: 32768 };
}
