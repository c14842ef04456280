// Exact match and token F1 after the official SQuAD v1.1 answer normalisation.

/**
 * Python's `re` word characters for str patterns: letters, digits (every Unicode number) and underscore.
 * `\b` in the reference scripts is Unicode-aware, JavaScript's is ASCII-only, so articles are found with
 * explicit look-arounds over this class ("the" inside "théâtre" is not an article; "the" before "ō" is).
 */
const ARTICLE = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD `normalize_answer`: lower case, drop punctuation, drop the articles a/an/the, collapse spaces. */
export function normalizeAnswer(text: string): string {
  const lower = text.toLowerCase();
  // string.punctuation in Python is exactly the ASCII punctuation set.
  const noPunct = lower.replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '');
  const noArticles = noPunct.replace(ARTICLE, ' ');
  return noArticles.split(/\s+/).filter(Boolean).join(' ');
}

export { ARTICLE as PYTHON_ARTICLE_PATTERN };

/** 1 when the normalised prediction equals the normalised gold, else 0. */
export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/**
 * Token-level F1 over normalised whitespace tokens, counting repeated tokens (a bag of words), as the
 * v1.1 script computes it: no common token gives 0, including when both sides normalise to empty
 * (SQuAD v2's script returns 1 there; v1.1 and TriviaQA's return 0).
 */
export function tokenF1(predTokens: readonly string[], goldTokens: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predTokens) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same += 1;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

export function f1Score(prediction: string, gold: string): number {
  return tokenF1(normalizeAnswer(prediction).split(' ').filter(Boolean), normalizeAnswer(gold).split(' ').filter(Boolean));
}

/** SQuAD's `metric_max_over_ground_truths`: the best score against any accepted answer (alias). */
export function maxOverGolds(metric: (prediction: string, gold: string) => number, prediction: string, golds: readonly string[]): number {
  let best = 0;
  for (const g of golds) best = Math.max(best, metric(prediction, g));
  return best;
}
