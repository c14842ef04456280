// Bradley-Terry MLE against closed forms and an independent MM solver; separation; anchor; bootstrap coverage.
import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, bradleyTerry, winsMatrix } from '../../../src/eval/arena/bradley-terry.js';
import { seededRandom } from '../../../src/eval/arena/random.js';
import { DEFAULT_RATING_OPTIONS, type Battle, type RatingOptions } from '../../../src/eval/arena/types.js';

// A weaker prior than the default (0.01) so closed forms hold to a fraction of a point.
const options: RatingOptions = { ...DEFAULT_RATING_OPTIONS, btL2: 0.001 };

function battles(a: string, b: string, aWins: number, bWins: number, ties = 0): Battle[] {
  return [
    ...Array.from({ length: aWins }, () => ({ model_a: a, model_b: b, winner: 'model_a' as const })),
    ...Array.from({ length: bWins }, () => ({ model_a: a, model_b: b, winner: 'model_b' as const })),
    ...Array.from({ length: ties }, () => ({ model_a: a, model_b: b, winner: 'tie' as const })),
  ];
}

/** Hunter's (2004) MM algorithm for the unpenalised MLE: an independent reference implementation. */
function mmReference(wins: number[][]): number[] {
  const n = wins.length;
  let p = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < 20_000; iteration++) {
    const next = p.map((_, i) => {
      const totalWins = wins[i]!.reduce((sum, w) => sum + w, 0);
      let denominator = 0;
      for (let j = 0; j < n; j++) if (j !== i) denominator += (wins[i]![j]! + wins[j]![i]!) / (p[i]! + p[j]!);
      return totalWins / denominator;
    });
    const geometricMean = Math.exp(next.reduce((sum, value) => sum + Math.log(value), 0) / n);
    p = next.map((value) => value / geometricMean);
  }
  return p.map((value) => 1000 + (400 / Math.log(10)) * Math.log(value));
}

describe('bradleyTerry', () => {
  it('gives the closed-form gap 400*log10(3) for a 3-1 record, centred on 1000', () => {
    const fit = bradleyTerry(battles('a', 'b', 3, 1), ['a', 'b'], options);
    // The L2 prior (lambda = 0.001) moves this by about 0.1 point: 0.5 is a safe bound.
    expect(fit.ratings.get('a')! - fit.ratings.get('b')!).toBeCloseTo(400 * Math.log10(3), 0);
    expect((fit.ratings.get('a')! + fit.ratings.get('b')!) / 2).toBeCloseTo(1000, 6);
    expect(fit.separated).toBe(false);
    expect(fit.note).toBeNull();
  });

  it('counts a tie as half a win: 2 wins, 0 losses, 2 ties equals a 3-1 record', () => {
    const fit = bradleyTerry(battles('a', 'b', 2, 0, 2), ['a', 'b'], options);
    expect(fit.ratings.get('a')! - fit.ratings.get('b')!).toBeCloseTo(400 * Math.log10(3), 0);
  });

  it('matches an independent MM solver on a connected four-model set', () => {
    const models = ['w', 'x', 'y', 'z'];
    const set = [...battles('w', 'x', 7, 3), ...battles('w', 'y', 5, 5, 2), ...battles('x', 'y', 2, 6), ...battles('y', 'z', 9, 1), ...battles('z', 'w', 2, 4), ...battles('x', 'z', 3, 3)];
    const fit = bradleyTerry(set, models, { ...options, btL2: 1e-7 });
    const reference = mmReference(winsMatrix(set, models));
    models.forEach((model, i) => expect(Math.abs(fit.ratings.get(model)! - reference[i]!)).toBeLessThan(0.05));
  });

  it('keeps separated data finite and explains why', () => {
    const models = ['top', 'mid', 'low'];
    const fit = bradleyTerry([...battles('top', 'mid', 10, 0), ...battles('mid', 'low', 10, 0), ...battles('top', 'low', 10, 0)], models, options);
    const [top, mid, low] = models.map((model) => fit.ratings.get(model)!);
    [top, mid, low].forEach((rating) => expect(Number.isFinite(rating)).toBe(true));
    expect(top).toBeGreaterThan(mid!);
    expect(mid).toBeGreaterThan(low!);
    expect(fit.separated).toBe(true);
    expect(fit.note).toMatch(/perfect separation/);
    expect(fit.note).toMatch(/\{top\} \{mid\} \{low\}/);
    expect(fit.iterations).toBeLessThan(100);
  });

  it('pins the anchor model without changing the gaps', () => {
    const set = [...battles('a', 'b', 6, 4), ...battles('b', 'c', 5, 5)];
    const free = bradleyTerry(set, ['a', 'b', 'c'], options);
    const pinned = bradleyTerry(set, ['a', 'b', 'c'], { ...options, anchor: { model: 'b', rating: 1114 } });
    expect(pinned.ratings.get('b')).toBeCloseTo(1114, 9);
    expect(pinned.ratings.get('a')! - pinned.ratings.get('c')!).toBeCloseTo(free.ratings.get('a')! - free.ratings.get('c')!, 6);
  });
});

describe('bootstrapIntervals', () => {
  it('is reproducible under a seed', () => {
    const set = [...battles('a', 'b', 6, 4), ...battles('b', 'c', 5, 5)];
    const first = bootstrapIntervals(set, ['a', 'b', 'c'], options).intervals.get('a');
    const second = bootstrapIntervals(set, ['a', 'b', 'c'], options).intervals.get('a');
    expect(first).toEqual(second);
    expect(first!.lower).toBeLessThan(first!.rating);
    expect(first!.upper).toBeGreaterThan(first!.rating);
  });

  it('covers the true ratings on simulated battles most of the time', () => {
    const truth: Record<string, number> = { anchor: 1000, strong: 1150, weak: 880, mid: 1040 };
    const models = Object.keys(truth);
    const random = seededRandom(42);
    let covered = 0;
    let total = 0;
    const replications = 30;
    for (let rep = 0; rep < replications; rep++) {
      const set: Battle[] = [];
      for (let i = 0; i < 400; i++) {
        const a = models[Math.floor(random() * 4)]!;
        let b = models[Math.floor(random() * 4)]!;
        while (b === a) b = models[Math.floor(random() * 4)]!;
        const pA = 1 / (1 + 10 ** ((truth[b]! - truth[a]!) / 400));
        set.push({ model_a: a, model_b: b, winner: random() < pA ? 'model_a' : 'model_b' });
      }
      const { intervals } = bootstrapIntervals(set, models, { ...options, seed: rep, anchor: { model: 'anchor', rating: 1000 } });
      for (const model of models.filter((m) => m !== 'anchor')) {
        const interval = intervals.get(model)!;
        total++;
        if (interval.lower <= truth[model]! && truth[model]! <= interval.upper) covered++;
      }
    }
    // Nominal coverage is 95%; percentile bootstrap with 100 rounds runs a little under. 90 intervals:
    // below 80% would be about 5 standard errors short of nominal, so this fails only on a real bug.
    expect(covered / total).toBeGreaterThan(0.8);
  });
});

describe('default prior', () => {
  it('biases a small well-connected record by under 2 points yet bounds a separated one', () => {
    const mild = bradleyTerry(battles('a', 'b', 3, 1), ['a', 'b'], DEFAULT_RATING_OPTIONS);
    expect(Math.abs(mild.ratings.get('a')! - mild.ratings.get('b')! - 400 * Math.log10(3))).toBeLessThan(2);
    const separated = bradleyTerry(battles('a', 'b', 10, 0), ['a', 'b'], DEFAULT_RATING_OPTIONS);
    const gap = separated.ratings.get('a')! - separated.ratings.get('b')!;
    expect(gap).toBeGreaterThan(400);
    expect(gap).toBeLessThan(2000);
  });
});
