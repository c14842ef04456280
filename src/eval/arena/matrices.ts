// Win-fraction and battle-count matrices and per-model win/tie/loss counts, as on the Chatbot Arena leaderboard.
import type { Battle } from './types.js';

export interface Record3 {
  wins: number;
  ties: number;
  losses: number;
}

export interface ArenaMatrices {
  models: string[];
  /** winFraction[i][j] = i's wins over j / non-tied battles between them; null when they never had one. */
  winFraction: (number | null)[][];
  /** battles[i][j] = every battle between i and j, ties included (symmetric). */
  battles: number[][];
}

export function buildMatrices(battles: readonly Battle[], models: readonly string[]): ArenaMatrices {
  const index = new Map(models.map((model, i) => [model, i]));
  const decisive = models.map(() => models.map(() => 0));
  const count = models.map(() => models.map(() => 0));
  for (const battle of battles) {
    const a = index.get(battle.model_a);
    const b = index.get(battle.model_b);
    if (a === undefined || b === undefined) continue;
    count[a]![b]! += 1;
    count[b]![a]! += 1;
    if (battle.winner === 'model_a') decisive[a]![b]! += 1;
    else if (battle.winner === 'model_b') decisive[b]![a]! += 1;
  }
  const winFraction = models.map((_, i) =>
    models.map((_, j) => {
      const nonTied = decisive[i]![j]! + decisive[j]![i]!;
      return i === j || nonTied === 0 ? null : decisive[i]![j]! / nonTied;
    }),
  );
  return { models: [...models], winFraction, battles: count };
}

export function winTieLoss(battles: readonly Battle[], models: readonly string[]): Map<string, Record3> {
  const records = new Map<string, Record3>(models.map((model) => [model, { wins: 0, ties: 0, losses: 0 }]));
  for (const battle of battles) {
    const a = records.get(battle.model_a);
    const b = records.get(battle.model_b);
    if (!a || !b) continue;
    if (battle.winner === 'tie') {
      a.ties++;
      b.ties++;
    } else if (battle.winner === 'model_a') {
      a.wins++;
      b.losses++;
    } else {
      b.wins++;
      a.losses++;
    }
  }
  return records;
}
