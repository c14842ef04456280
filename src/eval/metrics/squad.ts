// Exact match and token F1 after the official SQuAD v1.1 answer normalisation (also TriviaQA's).

/** SQuAD `normalize_answer`: lower case, drop punctuation, drop the articles a/an/the, collapse spaces. */
export function normalizeAnswer(text: string): string {
  const lower = text.toLowerCase();
  // string.punctuation in Python is exactly the ASCII punctuation set.
  const noPunct = lower.replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '');
  const noArticles = noPunct.replace(/\b(a|an|the)\b/g, ' ');
  return noArticles.split(/\s+/).filter(Boolean).join(' ');
}

/** 1 when the normalised prediction equals the normalised gold, else 0. */
export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Token-level F1 over normalised whitespace tokens, counting repeated tokens (a bag of words). */
export function f1Score(prediction: string, gold: string): number {
  const predTokens = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const goldTokens = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (predTokens.length === 0 || goldTokens.length === 0) return predTokens.length === goldTokens.length ? 1 : 0;
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

/** SQuAD's `metric_max_over_ground_truths`: the best score against any accepted answer (alias). */
export function maxOverGolds(metric: (prediction: string, gold: string) => number, prediction: string, golds: readonly string[]): number {
  let best = 0;
  for (const g of golds) best = Math.max(best, metric(prediction, g));
  return best;
}
