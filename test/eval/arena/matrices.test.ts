// Win-fraction (non-tied battles only) and battle-count matrices, and win/tie/loss counts.
import { describe, expect, it } from 'vitest';
import { buildMatrices, winTieLoss } from '../../../src/eval/arena/matrices.js';
import type { Battle } from '../../../src/eval/arena/types.js';

const set: Battle[] = [
  { model_a: 'a', model_b: 'b', winner: 'model_a' },
  { model_a: 'b', model_b: 'a', winner: 'model_b' },
  { model_a: 'a', model_b: 'b', winner: 'model_b' },
  { model_a: 'a', model_b: 'b', winner: 'tie' },
  { model_a: 'c', model_b: 'a', winner: 'tie' },
];

describe('buildMatrices', () => {
  it('computes win fractions over non-tied battles and counts every battle', () => {
    const m = buildMatrices(set, ['a', 'b', 'c']);
    expect(m.winFraction[0]![1]).toBeCloseTo(2 / 3, 12);
    expect(m.winFraction[1]![0]).toBeCloseTo(1 / 3, 12);
    expect(m.winFraction[0]![2]).toBeNull(); // only a tie between a and c
    expect(m.winFraction[1]![2]).toBeNull(); // never met
    expect(m.winFraction[0]![0]).toBeNull();
    expect(m.battles).toEqual([
      [0, 4, 1],
      [4, 0, 0],
      [1, 0, 0],
    ]);
  });
});

describe('winTieLoss', () => {
  it('counts each side', () => {
    const r = winTieLoss(set, ['a', 'b', 'c']);
    expect(r.get('a')).toEqual({ wins: 2, ties: 2, losses: 1 });
    expect(r.get('b')).toEqual({ wins: 1, ties: 1, losses: 2 });
    expect(r.get('c')).toEqual({ wins: 0, ties: 1, losses: 0 });
  });
});
