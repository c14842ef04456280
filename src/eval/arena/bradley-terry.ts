// Bradley-Terry maximum-likelihood ratings (Chatbot Arena's leaderboard rating) with seeded bootstrap intervals.
//
// Model: P(i beats j) = 1 / (1 + base^((R_j - R_i) / scale)); a tie counts as half a win for each side,
// which is what Chatbot Arena's logistic regression does by duplicating every battle and splitting ties.
// We maximise the log-likelihood by Newton's method on strengths theta (natural-log units, R = init +
// theta * scale / ln(base)) with a small L2 prior (lambda/2 * sum theta^2). Why the prior: when some
// group of models beat every other model it met (perfect separation; in graph terms the "i beat or tied j"
// graph is not strongly connected, Ford 1957) the unpenalised maximum lies at infinity and iterative
// solvers just drift. With the prior the optimum is unique and finite; we detect separation explicitly
// and report it, because then the gap shown is set by the prior, not measured.
import { percentileSorted, seededRandom } from './random.js';
import type { Battle, RatingOptions } from './types.js';

export interface BradleyTerryFit {
  ratings: Map<string, number>;
  /** True when the battles leave some gap unbounded (perfect separation); see `note`. */
  separated: boolean;
  /** A plain-language explanation when `separated`, else null. */
  note: string | null;
  iterations: number;
}

export interface RatingInterval {
  rating: number;
  lower: number;
  upper: number;
}

type Matrix = number[][];

/** Wins matrix: wins[i][j] = battles i won against j, ties counting 0.5 for each side. */
export function winsMatrix(battles: readonly Battle[], models: readonly string[]): Matrix {
  const index = new Map(models.map((model, i) => [model, i]));
  const wins = models.map(() => models.map(() => 0));
  for (const battle of battles) {
    const a = index.get(battle.model_a);
    const b = index.get(battle.model_b);
    if (a === undefined || b === undefined || a === b) continue;
    if (battle.winner === 'model_a') wins[a]![b]! += 1;
    else if (battle.winner === 'model_b') wins[b]![a]! += 1;
    else {
      wins[a]![b]! += 0.5;
      wins[b]![a]! += 0.5;
    }
  }
  return wins;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function objective(theta: readonly number[], wins: Matrix, lambda: number): number {
  let total = 0;
  for (let i = 0; i < theta.length; i++) {
    total -= (lambda / 2) * theta[i]! * theta[i]!;
    for (let j = 0; j < theta.length; j++) {
      if (wins[i]![j]! > 0) total += wins[i]![j]! * logSigmoid(theta[i]! - theta[j]!);
    }
  }
  return total;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite here). */
function solve(matrix: Matrix, rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

/** Maximises the penalised log-likelihood; returns strengths in natural-log units (mean zero). */
export function fitStrengths(wins: Matrix, lambda: number, start?: readonly number[]): { theta: number[]; iterations: number } {
  const n = wins.length;
  let theta = start ? [...start] : new Array<number>(n).fill(0);
  let iterations = 0;
  // 100 Newton steps is far beyond what a concave problem of this size needs (typically < 15).
  for (; iterations < 100; iterations++) {
    const gradient = new Array<number>(n).fill(0);
    const negHessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      gradient[i] = -lambda * theta[i]!;
      negHessian[i]![i] = lambda;
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const games = wins[i]![j]! + wins[j]![i]!;
        if (games === 0) continue;
        const p = sigmoid(theta[i]! - theta[j]!);
        gradient[i]! += wins[i]![j]! - games * p;
        negHessian[i]![i]! += games * p * (1 - p);
        negHessian[i]![j]! -= games * p * (1 - p);
      }
    }
    const step = solve(negHessian, gradient);
    // Backtracking keeps each step an ascent step when starting far from a separated optimum.
    const current = objective(theta, wins, lambda);
    let scale = 1;
    let next = theta.map((value, i) => value + step[i]!);
    while (scale > 1e-6 && objective(next, wins, lambda) < current - 1e-12) {
      scale /= 2;
      next = theta.map((value, i) => value + scale * step[i]!);
    }
    theta = next;
    if (Math.max(0, ...step.map((value) => Math.abs(value * scale))) < 1e-10) break;
  }
  return { theta, iterations };
}

/** Groups of models the battles do not connect in both directions (strongly connected components). */
export function separatedGroups(wins: Matrix, models: readonly string[]): string[][] {
  const n = models.length;
  const played = models.map((_, i) => models.some((_, j) => wins[i]![j]! + wins[j]![i]! > 0));
  const reach = models.map((_, i) => models.map((_, j) => i === j || wins[i]![j]! > 0));
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
  }
  const seen = new Set<number>();
  const groups: string[][] = [];
  for (let i = 0; i < n; i++) {
    if (seen.has(i) || !played[i]) continue;
    const group = models.flatMap((model, j) => (played[j] && reach[i]![j] && reach[j]![i] ? [j] : []));
    group.forEach((j) => seen.add(j));
    groups.push(group.map((j) => models[j]!));
  }
  return groups;
}

/** Bradley-Terry ratings on the Elo scale, anchored or centred on `init`, with separation explained. */
export function bradleyTerry(battles: readonly Battle[], models: readonly string[], options: RatingOptions, start?: readonly number[]): BradleyTerryFit & { theta: number[] } {
  const wins = winsMatrix(battles, models);
  const { theta, iterations } = fitStrengths(wins, options.btL2, start);
  const perNat = options.scale / Math.log(options.base);
  let shift = options.init;
  const anchorIndex = options.anchor ? models.indexOf(options.anchor.model) : -1;
  if (options.anchor && anchorIndex >= 0) shift = options.anchor.rating - theta[anchorIndex]! * perNat;
  const ratings = new Map(models.map((model, i) => [model, shift + theta[i]! * perNat]));
  const groups = separatedGroups(wins, models);
  const separated = groups.length > 1;
  const note = separated
    ? `perfect separation: the battles split the models into groups {${groups.map((g) => g.join(', ')).join('} {')}} ` +
      `where one group never lost to another, so the maximum-likelihood gap between groups is infinite; ` +
      `the ratings shown are finite only because of the L2 prior (bt_l2 = ${options.btL2}): trust the order, not the size of those gaps`
    : null;
  return { ratings, separated, note, iterations, theta };
}

/**
 * Bootstrap intervals as Chatbot Arena computes them: resample the battles with replacement
 * `bootstrapRounds` times (seeded), refit, and take the `ciLowerPct`/`ciUpperPct` percentiles per model.
 * The point rating is the fit on all battles.
 */
export function bootstrapIntervals(battles: readonly Battle[], models: readonly string[], options: RatingOptions): { fit: BradleyTerryFit; intervals: Map<string, RatingInterval> } {
  const full = bradleyTerry(battles, models, options);
  const samples = models.map(() => [] as number[]);
  const random = seededRandom(options.seed);
  for (let round = 0; round < options.bootstrapRounds && battles.length > 0; round++) {
    const resampled = battles.map(() => battles[Math.floor(random() * battles.length)]!);
    const fit = bradleyTerry(resampled, models, options, full.theta);
    models.forEach((model, i) => samples[i]!.push(fit.ratings.get(model)!));
  }
  const intervals = new Map<string, RatingInterval>();
  models.forEach((model, i) => {
    const sorted = samples[i]!.sort((x, y) => x - y);
    const rating = full.ratings.get(model)!;
    intervals.set(model, {
      rating,
      lower: sorted.length ? percentileSorted(sorted, options.ciLowerPct) : rating,
      upper: sorted.length ? percentileSorted(sorted, options.ciUpperPct) : rating,
    });
  });
  const { theta: _theta, ...fit } = full;
  return { fit, intervals };
}
