// TriviaQA's official evaluation (triviaqa_evaluation.py): its own answer normalisation, exact match and F1.
import { PYTHON_ARTICLE_PATTERN, tokenF1 } from './squad.js';

/** string.punctuation plus the quotes the TriviaQA script adds: ‘ ’ ´ `. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~‘’´]/g;

/**
 * The official `normalize_answer`: underscores to spaces, lower case, punctuation to SPACES (SQuAD deletes
 * it), articles removed, whitespace collapsed. So "Saint-Petersburg" reads "saint petersburg" and
 * "Ender’s Game" reads "ender s game".
 */
export function normalizeTriviaQa(text: string): string {
  const s = text.replace(/_/g, ' ').toLowerCase().replace(PUNCTUATION, ' ').replace(PYTHON_ARTICLE_PATTERN, ' ');
  return s.split(/\s+/).filter(Boolean).join(' ');
}

export function triviaqaExactMatch(prediction: string, gold: string): number {
  return normalizeTriviaQa(prediction) === normalizeTriviaQa(gold) ? 1 : 0;
}

/** F1 as the official script: token bag overlap after its normalisation; no common token is 0. */
export function triviaqaF1(prediction: string, gold: string): number {
  return tokenF1(normalizeTriviaQa(prediction).split(' ').filter(Boolean), normalizeTriviaQa(gold).split(' ').filter(Boolean));
}
