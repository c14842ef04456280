// Properties of the Bradley-Terry fit on random battle sets: optimality, centring, side symmetry, finiteness.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bradleyTerry, winsMatrix } from '../../../src/eval/arena/bradley-terry.js';
import { DEFAULT_RATING_OPTIONS, type Battle } from '../../../src/eval/arena/types.js';

const MODELS = ['a', 'b', 'c', 'd'];
const battleArb = fc
  .record({ a: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 1, max: 3 }), winner: fc.constantFrom('model_a', 'model_b', 'tie') })
  .map(({ a, offset, winner }): Battle => ({ model_a: MODELS[a]!, model_b: MODELS[(a + offset) % 4]!, winner: winner as Battle['winner'] }));

describe('bradleyTerry properties', () => {
  it('is finite, centred on init, and a stationary point of the penalised likelihood', () => {
    fc.assert(
      fc.property(fc.array(battleArb, { minLength: 0, maxLength: 60 }), (battles) => {
        const fit = bradleyTerry(battles, MODELS, DEFAULT_RATING_OPTIONS);
        const ratings = MODELS.map((m) => fit.ratings.get(m)!);
        ratings.forEach((r) => expect(Number.isFinite(r)).toBe(true));
        expect(ratings.reduce((s, r) => s + r, 0) / 4).toBeCloseTo(1000, 6);
        // Gradient of the penalised log-likelihood at the fit: zero within solver tolerance.
        const wins = winsMatrix(battles, MODELS);
        MODELS.forEach((_, i) => {
          let gradient = -DEFAULT_RATING_OPTIONS.btL2 * fit.theta[i]!;
          MODELS.forEach((_, j) => {
            if (i === j) return;
            const p = 1 / (1 + Math.exp(fit.theta[j]! - fit.theta[i]!));
            gradient += wins[i]![j]! - (wins[i]![j]! + wins[j]![i]!) * p;
          });
          expect(Math.abs(gradient)).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('does not care which side a model was listed on', () => {
    fc.assert(
      fc.property(fc.array(battleArb, { minLength: 1, maxLength: 40 }), (battles) => {
        const swapped = battles.map((b): Battle => ({ model_a: b.model_b, model_b: b.model_a, winner: b.winner === 'model_a' ? 'model_b' : b.winner === 'model_b' ? 'model_a' : 'tie' }));
        const x = bradleyTerry(battles, MODELS, DEFAULT_RATING_OPTIONS);
        const y = bradleyTerry(swapped, MODELS, DEFAULT_RATING_OPTIONS);
        MODELS.forEach((m) => expect(y.ratings.get(m)!).toBeCloseTo(x.ratings.get(m)!, 6));
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
