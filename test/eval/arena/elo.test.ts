// Online Elo against published expected scores and a hand-computed battle sequence.
import { describe, expect, it } from 'vitest';
import { expectedScore, onlineElo } from '../../../src/eval/arena/elo.js';
import { DEFAULT_RATING_OPTIONS } from '../../../src/eval/arena/types.js';

describe('expectedScore', () => {
  it('matches the worked example in the Elo rating article (player rated 1613)', () => {
    // Wikipedia, "Elo rating system", theory section: 0.506, 0.686, 0.785, 0.539, 0.351 (sum 2.867).
    const opponents = [1609, 1477, 1388, 1586, 1720];
    const expected = [0.506, 0.686, 0.785, 0.539, 0.351];
    opponents.forEach((opponent, i) => expect(expectedScore(1613, opponent)).toBeCloseTo(expected[i]!, 3));
    const sum = opponents.reduce((total, opponent) => total + expectedScore(1613, opponent), 0);
    expect(sum).toBeCloseTo(2.867, 2);
  });
});

describe('onlineElo', () => {
  it('follows a hand-computed sequence with K=4 and ties as half a win', () => {
    const ratings = onlineElo(
      [
        { model_a: 'a', model_b: 'b', winner: 'model_a' }, // 0.5 expected: a 1002, b 998
        { model_a: 'a', model_b: 'b', winner: 'tie' }, // E_a = 1/(1+10^(-4/400)) = 0.505756: a -0.023024
        { model_a: 'b', model_b: 'a', winner: 'model_a' }, // E_b = 0.494310: b +2.02276
      ],
      ['a', 'b', 'c'],
      DEFAULT_RATING_OPTIONS,
    );
    expect(ratings.get('a')).toBeCloseTo(999.95422, 3);
    expect(ratings.get('b')).toBeCloseTo(1000.04578, 3);
    expect(ratings.get('c')).toBe(1000);
  });

  it('conserves the total rating (zero-sum updates) and honours K', () => {
    const battles = Array.from({ length: 50 }, (_, i) => ({ model_a: i % 2 ? 'x' : 'y', model_b: i % 2 ? 'y' : 'x', winner: 'model_a' as const }));
    const ratings = onlineElo(battles, ['x', 'y'], { ...DEFAULT_RATING_OPTIONS, k: 32 });
    expect(ratings.get('x')! + ratings.get('y')!).toBeCloseTo(2000, 9);
    const single = onlineElo([battles[0]!], ['x', 'y'], { ...DEFAULT_RATING_OPTIONS, k: 32 });
    expect(single.get('y')).toBeCloseTo(1016, 9);
  });
});
