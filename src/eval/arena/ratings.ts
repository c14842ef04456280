// Turns battle and grade records into leaderboards: BT ratings with intervals, Elo, W/T/L, matrices, per category.
import type { PairBattleRecord, SingleGradeRecord } from './battles.js';
import { bootstrapIntervals } from './bradley-terry.js';
import { onlineElo } from './elo.js';
import { buildMatrices, winTieLoss } from './matrices.js';
import type { Battle, RatingOptions } from './types.js';

export interface PairLeaderboardRow {
  rank: number;
  model: string;
  /** Bradley-Terry MLE on every decided battle, on the Elo scale. */
  rating: number;
  ci_lower: number;
  ci_upper: number;
  /** Online Elo in battle order (order-dependent; shown for comparison). */
  elo: number;
  wins: number;
  ties: number;
  losses: number;
  battles: number;
  /** (wins + ties / 2) / battles */
  win_rate: number | null;
}

export interface PairCounts {
  planned: number;
  decided: number;
  ties: number;
  /** Ties that came from the two orders disagreeing (position bias). */
  inconsistent: number;
  unparsable: number;
  judge_errors: number;
  answer_errors: number;
}

export interface PairSummary {
  leaderboard: PairLeaderboardRow[];
  counts: PairCounts;
  /** Explanation when the battles do not bound every gap (perfect separation), else null. */
  note: string | null;
  matrices: { models: string[]; win_fraction: (number | null)[][]; battle_count: number[][] };
  /** Per category: each model's win rate and battles there. */
  per_category: Record<string, Record<string, { win_rate: number | null; battles: number }>>;
}

export function decidedBattles(records: readonly PairBattleRecord[]): Battle[] {
  return records.flatMap((r) => (r.status === 'decided' && r.winner ? [{ model_a: r.model_a, model_b: r.model_b, winner: r.winner }] : []));
}

function winRate(record: { wins: number; ties: number; losses: number }): number | null {
  const total = record.wins + record.ties + record.losses;
  return total === 0 ? null : (record.wins + record.ties / 2) / total;
}

export function summarizePairs(records: readonly PairBattleRecord[], models: readonly string[], options: RatingOptions): PairSummary {
  const battles = decidedBattles(records);
  const { fit, intervals } = bootstrapIntervals(battles, models, options);
  const elo = onlineElo(battles, models, options);
  const wtl = winTieLoss(battles, models);
  const rows = models.map((model) => {
    const record = wtl.get(model)!;
    const interval = intervals.get(model)!;
    return {
      rank: 0, model, rating: interval.rating, ci_lower: interval.lower, ci_upper: interval.upper, elo: elo.get(model)!,
      ...record, battles: record.wins + record.ties + record.losses, win_rate: winRate(record),
    };
  });
  rows.sort((x, y) => y.rating - x.rating);
  // Chatbot Arena's rank: 1 + the number of models whose lower bound beats this model's upper bound.
  rows.forEach((row) => (row.rank = 1 + rows.filter((other) => other.ci_lower > row.ci_upper).length));
  // Matrices list models in leaderboard order, as Chatbot Arena draws them: the strongest row first.
  const matrices = buildMatrices(battles, rows.map((row) => row.model));
  const perCategory: PairSummary['per_category'] = {};
  for (const category of [...new Set(records.map((r) => r.category))]) {
    const inCategory = decidedBattles(records.filter((r) => r.category === category));
    const counts = winTieLoss(inCategory, models);
    perCategory[category] = Object.fromEntries(models.map((model) => {
      const c = counts.get(model)!;
      return [model, { win_rate: winRate(c), battles: c.wins + c.ties + c.losses }];
    }));
  }
  return {
    leaderboard: rows,
    counts: {
      planned: records.length,
      decided: battles.length,
      ties: battles.filter((b) => b.winner === 'tie').length,
      inconsistent: records.filter((r) => r.status === 'decided' && !r.consistent).length,
      unparsable: records.filter((r) => r.status === 'unparsable').length,
      judge_errors: records.filter((r) => r.status === 'judge_error').length,
      answer_errors: records.filter((r) => r.status === 'answer_error').length,
    },
    note: fit.note,
    matrices: { models: matrices.models, win_fraction: matrices.winFraction, battle_count: matrices.battles },
    per_category: perCategory,
  };
}

export interface ScoreStats {
  mean: number | null;
  /** Standard error of the mean: sample standard deviation / sqrt(n). */
  stderr: number | null;
  n: number;
}

export interface SingleLeaderboardRow extends ScoreStats {
  rank: number;
  model: string;
  /** Grades the judge gave in a form we could not read; excluded from the mean, never guessed. */
  unparsable: number;
  unparsable_share: number;
  judge_errors: number;
  answer_errors: number;
  per_category: Record<string, ScoreStats>;
}

export function scoreStats(scores: readonly number[]): ScoreStats {
  const n = scores.length;
  if (n === 0) return { mean: null, stderr: null, n };
  const mean = scores.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stderr: n > 1 ? Math.sqrt(variance / n) : null, n };
}

export function summarizeSingle(records: readonly SingleGradeRecord[], models: readonly string[]): { leaderboard: SingleLeaderboardRow[] } {
  const categories = [...new Set(records.map((r) => r.category))];
  const rows = models.map((model) => {
    const mine = records.filter((r) => r.model === model);
    const scores = (list: readonly SingleGradeRecord[]) => list.flatMap((r) => (r.score === null ? [] : [r.score]));
    const judged = mine.filter((r) => r.status === 'graded' || r.status === 'unparsable').length;
    const unparsable = mine.filter((r) => r.status === 'unparsable').length;
    return {
      rank: 0, model, ...scoreStats(scores(mine)), unparsable, unparsable_share: judged === 0 ? 0 : unparsable / judged,
      judge_errors: mine.filter((r) => r.status === 'judge_error').length,
      answer_errors: mine.filter((r) => r.status === 'answer_error').length,
      per_category: Object.fromEntries(categories.map((c) => [c, scoreStats(scores(mine.filter((r) => r.category === c)))])),
    };
  });
  rows.sort((x, y) => (y.mean ?? -Infinity) - (x.mean ?? -Infinity));
  rows.forEach((row, i) => (row.rank = i + 1));
  return { leaderboard: rows };
}
