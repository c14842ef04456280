// Perplexity from per-token natural-log probabilities, and its word-level variant.

/** exp(-mean log p) over every token of every text; Infinity when a token had probability 0. */
export function perplexity(tokenLogprobs: readonly number[]): number {
  if (tokenLogprobs.length === 0) return Number.NaN;
  let sum = 0;
  for (const lp of tokenLogprobs) sum += lp;
  return Math.exp(-sum / tokenLogprobs.length);
}

/** Corpus perplexity: total log-likelihood over total token count, not the mean of per-text perplexities. */
export function corpusPerplexity(texts: ReadonlyArray<{ logprobSum: number; tokens: number }>): number {
  const tokens = texts.reduce((acc, t) => acc + t.tokens, 0);
  if (tokens === 0) return Number.NaN;
  return Math.exp(-texts.reduce((acc, t) => acc + t.logprobSum, 0) / tokens);
}

/** lm-evaluation-harness's word_perplexity: the same log-likelihood spread over whitespace words. */
export function wordPerplexity(texts: ReadonlyArray<{ logprobSum: number; text: string }>): number {
  const words = texts.reduce((acc, t) => acc + t.text.split(/\s+/).filter(Boolean).length, 0);
  if (words === 0) return Number.NaN;
  return Math.exp(-texts.reduce((acc, t) => acc + t.logprobSum, 0) / words);
}
