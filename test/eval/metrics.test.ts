// The eval metrics against published reference values and hand-computed reference-implementation outputs.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  bootstrap,
  corpusBleu,
  corpusPerplexity,
  exactMatch,
  f1Score,
  maxOverGolds,
  meanWithStderr,
  normalizeAnswer,
  passAtK,
  perplexity,
  rouge,
  tokenize13a,
  weightedAverage,
} from '../../src/eval/metrics/index.js';

describe('accuracy and standard error', () => {
  it('matches lm-evaluation-harness mean_stderr (sample stdev / sqrt n)', () => {
    // 3 of 4 correct: mean 0.75, sample variance 0.25, stderr sqrt(0.25/4) = 0.25
    const r = accuracy([true, true, false, true]);
    expect(r.score).toBe(0.75);
    expect(r.stderr).toBeCloseTo(0.25, 12);
    expect(r.n).toBe(4);
  });
  it('weighted average equals pooling every item; its stderr is lm-eval\'s pooled group formula', () => {
    const a = [1, 1, 0, 1, 0];
    const b = [0, 0, 1];
    const pooled = meanWithStderr([...a, ...b]);
    const w = weightedAverage([meanWithStderr(a), meanWithStderr(b)]);
    expect(w.score).toBeCloseTo(pooled.score, 12);
    // pooled_sample_stderr: within-subset sums of squares (1.2 and 2/3) over N - k = 6, then / N = 8:
    // sqrt((1.2 + 2/3) / 6 / 8) = 0.19720265943665...; the all-items stderr (0.18898) also counts the between-subset spread.
    expect(w.stderr).toBeCloseTo(Math.sqrt((1.2 + 2 / 3) / 6 / 8), 12);
    expect(w.stderr).toBeCloseTo(0.197202659436654, 12);
    expect(w.n).toBe(8);
  });
});

describe('SQuAD exact match and F1', () => {
  it('normalises like the official script', () => {
    expect(normalizeAnswer('The  Eiffel Tower!')).toBe('eiffel tower');
    expect(normalizeAnswer('an Apple, a day')).toBe('apple day');
  });
  it('scores EM and F1 as the official evaluate-v1.1.py does', () => {
    expect(exactMatch('the Eiffel Tower', 'Eiffel tower.')).toBe(1);
    expect(exactMatch('Eiffel', 'Eiffel tower')).toBe(0);
    // pred tokens [eiffel], gold [eiffel, tower]: P=1, R=0.5, F1=2/3
    expect(f1Score('Eiffel', 'the Eiffel Tower')).toBeCloseTo(2 / 3, 12);
    // repeated tokens are counted as a bag: pred [paris, paris, france] vs gold [paris]: P=1/3 R=1 F1=0.5
    expect(f1Score('Paris Paris France', 'Paris')).toBeCloseTo(0.5, 12);
    expect(maxOverGolds(exactMatch, 'JFK', ['John F. Kennedy', 'JFK'])).toBe(1);
  });
});

describe('ROUGE (rouge_score defaults)', () => {
  it('matches rouge_score on its README example', () => {
    // rouge_score README: scorer.score('The quick brown fox jumps over the lazy dog',
    //                                  'The quick brown dog jumps on the log.')
    // -> rouge1 P=0.75 R=0.667 F=0.7058823529411765; rougeL P=0.625 R=0.556 F=0.5882352941176471
    const r = rouge('The quick brown dog jumps on the log.', 'The quick brown fox jumps over the lazy dog');
    expect(r.rouge1).toBeCloseTo(0.7058823529411765, 12);
    expect(r.rougeL).toBeCloseTo(0.5882352941176471, 12);
    // bigrams: pred 7, ref 8; shared: "the quick", "quick brown" -> P=2/7 R=2/8 F=0.26667
    expect(r.rouge2).toBeCloseTo(0.26666666666666666, 12);
  });
  it('gives 1 for identical text and 0 for disjoint text', () => {
    expect(rouge('a b c', 'a b c')).toEqual({ rouge1: 1, rouge2: 1, rougeL: 1 });
    expect(rouge('x y', 'a b').rougeL).toBe(0);
  });
});

describe('BLEU (sacrebleu defaults)', () => {
  it('tokenizes like 13a', () => {
    // the apostrophe is outside 13a's punctuation ranges, so contractions stay whole
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('costs 3.5, or 1,000-2 (approx)')).toBe('costs 3.5 , or 1,000 - 2 ( approx )');
  });
  it("reproduces sacrebleu's README score 48.53", () => {
    const refs = [
      ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
      ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
    ];
    const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
    const bleu = corpusBleu(sys, refs);
    // sacrebleu: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
    expect(bleu.score).toBeCloseTo(48.530827009929865, 8);
    expect(bleu.sysLen).toBe(17);
    expect(bleu.refLen).toBe(18);
    expect(bleu.precisions[0]).toBeCloseTo(82.3529, 3);
    expect(bleu.bp).toBeCloseTo(0.9428, 3);
  });
  it('applies exp smoothing when a higher order has no match', () => {
    // hyp "a b c d" vs ref "a b x d": 1-gram 3/4, 2-gram 1/3, 3-gram 0/2 -> 100/(2*2), 4-gram 0/1 -> 100/(4*1)
    const bleu = corpusBleu(['a b c d'], [['a b x d']]);
    const expected = Math.exp((Math.log(75) + Math.log(100 / 3) + Math.log(25) + Math.log(25)) / 4);
    expect(bleu.score).toBeCloseTo(expected, 10);
  });
});

describe('pass@k', () => {
  it('equals the closed form 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12);
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 4, 2)).toBe(1);
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
  });
});

describe('perplexity', () => {
  it('is exp of the negative mean log-probability', () => {
    expect(perplexity([Math.log(0.5), Math.log(0.5)])).toBeCloseTo(2, 12);
    expect(perplexity([Math.log(0.25), Math.log(1)])).toBeCloseTo(2, 12);
    expect(corpusPerplexity([{ logprobSum: 2 * Math.log(0.5), tokens: 2 }, { logprobSum: Math.log(0.125), tokens: 1 }])).toBeCloseTo(
      Math.exp(-(2 * Math.log(0.5) + Math.log(0.125)) / 3),
      12,
    );
  });
});

describe('bootstrap', () => {
  it('is seeded and brackets the observed mean', () => {
    const values = [1, 0, 1, 1, 0, 1, 0, 1, 1, 1];
    const stat = (idx: readonly number[]) => idx.reduce((a, i) => a + values[i]!, 0) / idx.length;
    const a = bootstrap(values.length, stat, { seed: 7, resamples: 500 });
    const b = bootstrap(values.length, stat, { seed: 7, resamples: 500 });
    expect(a).toEqual(b);
    expect(a.low).toBeLessThanOrEqual(0.7);
    expect(a.high).toBeGreaterThanOrEqual(0.7);
    // the bootstrap stderr of a mean approaches the population-variance stderr sqrt(0.21/10) = 0.145
    expect(a.stderr).toBeGreaterThan(0.1);
    expect(a.stderr).toBeLessThan(0.2);
  });
});
