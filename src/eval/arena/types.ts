// Shared arena types: battles, verdicts and ratings as they travel between the arena's parts.

/** The judging modes users know from MT-bench and Chatbot Arena. */
export type ArenaMode = 'single' | 'baseline' | 'pairwise' | 'peer';
export const ARENA_MODES: readonly ArenaMode[] = ['single', 'baseline', 'pairwise', 'peer'];

/** A pairwise verdict as the judge wrote it: A, B, C (tie), or null when it could not be parsed. */
export type PairVerdict = 'A' | 'B' | 'tie' | null;

/** The outcome of one battle from model_a's side (Chatbot Arena's `winner` column). */
export type Winner = 'model_a' | 'model_b' | 'tie';

/** One decided battle, the unit every rating consumes. */
export interface Battle {
  model_a: string;
  model_b: string;
  winner: Winner;
}

/** One question of the question set (JSONL: `question`, optional `category` and `reference`). */
export interface Question {
  id: number;
  question: string;
  category: string;
  reference: string | null;
  /** MT-bench's second turn, asked with the model's own first answer in the history (null: one turn). */
  turn2?: string | null;
  reference2?: string | null;
}

/** Rating options; defaults are Chatbot Arena's. */
export interface RatingOptions {
  /** Initial (and, without an anchor, mean) rating. */
  init: number;
  /** Online Elo step size. */
  k: number;
  /** Elo scale and base: a gap of `scale` points means odds of `base` to 1. */
  scale: number;
  base: number;
  bootstrapRounds: number;
  /** Percentiles of the bootstrap distribution reported as the interval, e.g. 2.5 and 97.5. */
  ciLowerPct: number;
  ciUpperPct: number;
  seed: number;
  /** Pin one model to a fixed rating (Chatbot Arena pins a reference model). */
  anchor: { model: string; rating: number } | null;
  /** L2 prior strength on Bradley-Terry strengths in natural-log units (keeps separated data finite). */
  btL2: number;
}

export const DEFAULT_RATING_OPTIONS: RatingOptions = {
  init: 1000,
  k: 4,
  scale: 400,
  base: 10,
  bootstrapRounds: 100,
  ciLowerPct: 2.5,
  ciUpperPct: 97.5,
  seed: 0,
  anchor: null,
  btL2: 0.01,
};
