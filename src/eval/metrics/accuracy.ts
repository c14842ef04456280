// Mean scores with their standard errors: the numbers two runs are compared by.

/** A score with its uncertainty: `stderr` is the standard error of the mean (sample stdev / sqrt(n)). */
export interface ScoreWithError {
  score: number;
  stderr: number;
  n: number;
}

/**
 * Mean of per-sample values (1/0 for accuracy) and its standard error, as lm-evaluation-harness's
 * `mean_stderr` computes it: the sample standard deviation (n - 1 denominator) over sqrt(n).
 * n = 0 gives score 0, stderr 0; n = 1 gives stderr 0 (no spread can be estimated).
 */
export function meanWithStderr(values: readonly number[]): ScoreWithError {
  const n = values.length;
  if (n === 0) return { score: 0, stderr: 0, n: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { score: mean, stderr: 0, n };
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const sampleVariance = squares / (n - 1);
  return { score: mean, stderr: Math.sqrt(sampleVariance / n), n };
}

/** Accuracy over booleans (correct / n) with its standard error. */
export function accuracy(correct: readonly boolean[]): ScoreWithError {
  return meanWithStderr(correct.map((c) => (c ? 1 : 0)));
}

/**
 * lm-evaluation-harness's `pooled_sample_stderr`, the standard error of a group (MMLU, C-Eval) weighted by
 * subset size: sqrt( sum((n_i - 1) * se_i^2 * n_i) / (N - k) / N ). Only the within-subset variances
 * are pooled; the spread between subsets is not counted (so it differs from the stderr over all items).
 */
export function pooledStderr(subsets: readonly ScoreWithError[]): number {
  const parts = subsets.filter((s) => s.n > 0);
  const n = parts.reduce((acc, s) => acc + s.n, 0);
  if (n - parts.length <= 0) return 0;
  const pooledVariance = parts.reduce((acc, s) => acc + (s.n - 1) * s.stderr ** 2 * s.n, 0) / (n - parts.length);
  return Math.sqrt(pooledVariance / n);
}

/**
 * Weighted average of subset scores, weights = subset sizes (MMLU's "weighted average accuracy": the same
 * as pooling every item), with lm-eval's pooled standard error (`pooledStderr`).
 */
export function weightedAverage(subsets: readonly ScoreWithError[]): ScoreWithError {
  const parts = subsets.filter((s) => s.n > 0);
  const n = parts.reduce((acc, s) => acc + s.n, 0);
  if (n === 0) return { score: 0, stderr: 0, n: 0 };
  const score = parts.reduce((acc, s) => acc + s.score * s.n, 0) / n;
  return { score, stderr: pooledStderr(parts), n };
}

/** Unweighted mean of subset scores (a "macro" average), reported beside the weighted one. */
export function macroAverage(subsets: readonly ScoreWithError[]): number {
  const parts = subsets.filter((s) => s.n > 0);
  if (parts.length === 0) return 0;
  return parts.reduce((acc, s) => acc + s.score, 0) / parts.length;
}
