// Perplexity from natural-log probabilities: per token of the server's tokenizer, per word and per byte (lm-eval's).

/** exp(-mean log p) over every token of every text; Infinity when a token had probability 0. */
export function perplexity(tokenLogprobs: readonly number[]): number {
  if (tokenLogprobs.length === 0) return Number.NaN;
  let sum = 0;
  for (const lp of tokenLogprobs) sum += lp;
  return Math.exp(-sum / tokenLogprobs.length);
}

/**
 * lm-evaluation-harness's `weighted_perplexity`: exp(-sum of log-likelihoods / sum of weights). With the
 * server's token counts as weights it is the corpus token perplexity, never a mean of per-text perplexities.
 */
export function weightedPerplexity(texts: ReadonlyArray<{ logprobSum: number; weight: number }>): number {
  const weight = texts.reduce((acc, t) => acc + t.weight, 0);
  if (weight === 0) return Number.NaN;
  return Math.exp(-texts.reduce((acc, t) => acc + t.logprobSum, 0) / weight);
}

/** Corpus perplexity per token: total log-likelihood over total token count. */
export function corpusPerplexity(texts: ReadonlyArray<{ logprobSum: number; tokens: number }>): number {
  return weightedPerplexity(texts.map((t) => ({ logprobSum: t.logprobSum, weight: t.tokens })));
}

/** lm-eval's `count_words`: len(re.split(r"\s+", text)), so leading/trailing whitespace counts an empty word. */
export function countWords(text: string): number {
  return text.split(/\s+/).length;
}

/** lm-eval's `count_bytes`: UTF-8 bytes. */
export function countBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** lm-evaluation-harness's word_perplexity: the same log-likelihood spread over its word count. */
export function wordPerplexity(texts: ReadonlyArray<{ logprobSum: number; text: string }>): number {
  return weightedPerplexity(texts.map((t) => ({ logprobSum: t.logprobSum, weight: countWords(t.text) })));
}

/** lm-evaluation-harness's byte_perplexity: spread over UTF-8 bytes. */
export function bytePerplexity(texts: ReadonlyArray<{ logprobSum: number; text: string }>): number {
  return weightedPerplexity(texts.map((t) => ({ logprobSum: t.logprobSum, weight: countBytes(t.text) })));
}

/** lm-evaluation-harness's bits_per_byte: -sum log-likelihood / sum bytes / ln 2. */
export function bitsPerByte(texts: ReadonlyArray<{ logprobSum: number; text: string }>): number {
  const bytes = texts.reduce((acc, t) => acc + countBytes(t.text), 0);
  if (bytes === 0) return Number.NaN;
  return -texts.reduce((acc, t) => acc + t.logprobSum, 0) / bytes / Math.LN2;
}
