// Peer examination: every candidate judges the others' answers; ratings re-weight each judge by its own standing (Peer Rank).
import { collectPairBattles, planJudgeTasks, uniquePrompts, type AnswerTable, type PairBattleRecord, type Reply } from './battles.js';
import { fitStrengths } from './bradley-terry.js';
import type { PromptSet } from './prompts.js';
import type { Question, RatingOptions } from './types.js';

/** A battle as one peer judged it (never a battle the judge took part in). */
export interface PeerBattleRecord extends PairBattleRecord {
  judge: string;
}

export interface PeerRow {
  rank: number;
  model: string;
  /** Bradley-Terry rating with every judge's verdict weighted by that judge's own standing (Peer Rank). */
  weighted_rating: number;
  /** The same fit with every judge weighted equally. */
  unweighted_rating: number;
  /** This model's weight as a judge when the iteration stopped (weights sum to 1). */
  judge_weight: number;
  /** Rate at which this judge picked, of two answers, the one more similar to its own (0.5 = no pull); null when never measurable. */
  self_preference: number | null;
  self_preference_n: number;
}

export interface PeerResult {
  leaderboard: PeerRow[];
  /** Judges in model order; agreement[i][j] = share of battles both judged where their winners were the same (null: none shared). */
  agreement: { judges: string[]; rate: (number | null)[][]; shared: number[][] };
  iterations: number;
  converged: boolean;
  /** Requests each judge was asked (both orders), and what the whole peer round cost. */
  cost: { judge_requests: Record<string, number>; total_judge_requests: number };
  battles: PeerBattleRecord[];
  /** MT-bench two-turn questions: the second turn judged by the same peers on its own (absent: no question has one). */
  turn2?: PeerResult;
}

/** The prompts one judge must answer: every pair of the OTHER models, both orders, every question. */
export function peerPrompts(judge: string, models: readonly string[], questions: readonly Question[], answers: AnswerTable, prompts: PromptSet): string[] {
  return uniquePrompts(planJudgeTasks(['pairwise'], models.filter((m) => m !== judge), null, questions, answers, prompts));
}

export function collectPeerBattles(judge: string, models: readonly string[], questions: readonly Question[], answers: AnswerTable, prompts: PromptSet, replies: Map<string, Reply>): PeerBattleRecord[] {
  return collectPairBattles('pairwise', models.filter((m) => m !== judge), null, questions, answers, prompts, replies).map((r) => ({ ...r, judge }));
}

/** Ratings (Elo scale) from battles weighted by their judge's weight; ties are half a win each, as everywhere in the arena. */
export function weightedRatings(battles: readonly PeerBattleRecord[], models: readonly string[], weights: ReadonlyMap<string, number>, options: RatingOptions): number[] {
  const index = new Map(models.map((m, i) => [m, i]));
  const wins = models.map(() => models.map(() => 0));
  for (const b of battles) {
    if (b.status !== 'decided' || b.winner === null) continue;
    const [a, c, w] = [index.get(b.model_a)!, index.get(b.model_b)!, weights.get(b.judge) ?? 0];
    if (b.winner === 'model_a') wins[a]![c]! += w;
    else if (b.winner === 'model_b') wins[c]![a]! += w;
    else {
      wins[a]![c]! += w / 2;
      wins[c]![a]! += w / 2;
    }
  }
  // Weights sum to 1, so rescale to the battle count: the L2 prior then weighs as much as in the unweighted fit.
  const decided = battles.filter((b) => b.status === 'decided').length;
  const scaled = wins.map((row) => row.map((v) => v * Math.max(1, decided)));
  const { theta } = fitStrengths(scaled, options.btL2);
  return theta.map((t) => options.init + (t * options.scale) / Math.log(options.base));
}

/**
 * Peer Rank (Li et al. 2023): start with equal judge weights, fit ratings, give each judge a weight
 * proportional to its expected score against the field (the mean win probability its rating implies),
 * refit, until no weight moves by more than 1e-9 (at most 200 rounds).
 */
export function peerRank(battles: readonly PeerBattleRecord[], models: readonly string[], options: RatingOptions): { weighted: number[]; unweighted: number[]; weights: Map<string, number>; iterations: number; converged: boolean } {
  const equal = new Map(models.map((m) => [m, 1 / models.length]));
  const unweighted = weightedRatings(battles, models, equal, options);
  let weights = equal;
  let ratings = unweighted;
  for (let round = 1; round <= 200; round++) {
    const expected = models.map((_, i) => {
      let sum = 0;
      for (let j = 0; j < models.length; j++) if (j !== i) sum += 1 / (1 + options.base ** ((ratings[j]! - ratings[i]!) / options.scale));
      return sum / Math.max(1, models.length - 1);
    });
    const total = expected.reduce((a, b) => a + b, 0);
    const next = new Map(models.map((m, i) => [m, expected[i]! / total]));
    const moved = Math.max(...models.map((m) => Math.abs(next.get(m)! - weights.get(m)!)));
    weights = next;
    ratings = weightedRatings(battles, models, weights, options);
    if (moved < 1e-9) return { weighted: ratings, unweighted, weights, iterations: round, converged: true };
  }
  return { weighted: ratings, unweighted, weights, iterations: 200, converged: false };
}

/** Word-set Jaccard similarity, the closeness "answers close to its own" is measured by. */
function jaccard(a: string, b: string): number {
  const sa = new Set(a.toLowerCase().split(/\W+/).filter(Boolean));
  const sb = new Set(b.toLowerCase().split(/\W+/).filter(Boolean));
  if (sa.size === 0 && sb.size === 0) return 1;
  let shared = 0;
  for (const w of sa) if (sb.has(w)) shared++;
  return shared / (sa.size + sb.size - shared);
}

/** Of the decided, non-tie battles where one answer is closer to the judge's own answer, the share where the judge picked that one. */
export function selfPreference(judge: string, battles: readonly PeerBattleRecord[], answers: AnswerTable): { rate: number | null; n: number } {
  let picked = 0;
  let n = 0;
  for (const b of battles) {
    if (b.judge !== judge || b.status !== 'decided' || b.winner === 'tie' || b.winner === null) continue;
    const own = answers.get(judge)?.[b.question_id];
    if (own == null || b.answer_a === null || b.answer_b === null) continue;
    const [sa, sb] = [jaccard(own, b.answer_a), jaccard(own, b.answer_b)];
    if (sa === sb) continue;
    n++;
    if ((sa > sb) === (b.winner === 'model_a')) picked++;
  }
  return { rate: n > 0 ? picked / n : null, n };
}

/** Agreement between judges on the battles both judged (same question, same pair): needs four or more candidates. */
export function agreementMatrix(battles: readonly PeerBattleRecord[], judges: readonly string[]): PeerResult['agreement'] {
  const byJudge = new Map(judges.map((j) => [j, new Map<string, string>()]));
  for (const b of battles) if (b.status === 'decided' && b.winner) byJudge.get(b.judge)?.set(`${b.question_id}|${b.model_a}|${b.model_b}`, b.winner);
  const rate: (number | null)[][] = [];
  const shared: number[][] = [];
  for (const a of judges) {
    const rowRate: (number | null)[] = [];
    const rowShared: number[] = [];
    for (const b of judges) {
      const [ma, mb] = [byJudge.get(a)!, byJudge.get(b)!];
      let same = 0;
      let both = 0;
      for (const [key, winner] of ma) {
        const other = mb.get(key);
        if (other === undefined) continue;
        both++;
        if (other === winner) same++;
      }
      rowRate.push(both > 0 ? same / both : null);
      rowShared.push(both);
    }
    rate.push(rowRate);
    shared.push(rowShared);
  }
  return { judges: [...judges], rate, shared };
}

export function summarizePeer(battles: PeerBattleRecord[], models: readonly string[], answers: AnswerTable, judgeRequests: Record<string, number>, options: RatingOptions): PeerResult {
  const { weighted, unweighted, weights, iterations, converged } = peerRank(battles, models, options);
  const rows = models.map((model, i) => {
    const sp = selfPreference(model, battles, answers);
    return { rank: 0, model, weighted_rating: weighted[i]!, unweighted_rating: unweighted[i]!, judge_weight: weights.get(model)!, self_preference: sp.rate, self_preference_n: sp.n };
  });
  rows.sort((a, b) => b.weighted_rating - a.weighted_rating || a.model.localeCompare(b.model));
  rows.forEach((r, i) => (r.rank = i + 1));
  const total = Object.values(judgeRequests).reduce((a, b) => a + b, 0);
  return { leaderboard: rows, agreement: agreementMatrix(battles, models), iterations, converged, cost: { judge_requests: judgeRequests, total_judge_requests: total }, battles };
}
