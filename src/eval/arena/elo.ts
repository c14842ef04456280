// Online Elo over battles in order, exactly as Chatbot Arena's `compute_online_elo` (init 1000, K=4, ties half a win).
import type { Battle, RatingOptions } from './types.js';

export type EloOptions = Pick<RatingOptions, 'init' | 'k' | 'scale' | 'base'>;

/** Expected score of a player rated `ratingA` against one rated `ratingB`. */
export function expectedScore(ratingA: number, ratingB: number, scale = 400, base = 10): number {
  return 1 / (1 + base ** ((ratingB - ratingA) / scale));
}

/**
 * Processes battles one by one in the given order. Online Elo depends on that order (the reason
 * Chatbot Arena moved to Bradley-Terry); it is reported beside the order-free rating, not instead of it.
 */
export function onlineElo(battles: readonly Battle[], models: readonly string[], options: EloOptions): Map<string, number> {
  const rating = new Map<string, number>(models.map((model) => [model, options.init]));
  for (const battle of battles) {
    const ratingA = rating.get(battle.model_a) ?? options.init;
    const ratingB = rating.get(battle.model_b) ?? options.init;
    const expectedA = expectedScore(ratingA, ratingB, options.scale, options.base);
    const expectedB = expectedScore(ratingB, ratingA, options.scale, options.base);
    const scoreA = battle.winner === 'model_a' ? 1 : battle.winner === 'model_b' ? 0 : 0.5;
    rating.set(battle.model_a, ratingA + options.k * (scoreA - expectedA));
    rating.set(battle.model_b, ratingB + options.k * (1 - scoreA - expectedB));
  }
  return rating;
}
