// The generated needle test: placement at the asked depth, prompt length, scoring, per-cell metrics.
import { describe, expect, it } from 'vitest';
import { aggregateSamples } from '../../src/eval/aggregate.js';
import { cellMetric, generateNeedles, makeNeedle, needle, needleFound, parseNeedleDepths, parseNeedleLengths } from '../../src/eval/benchmarks/needle.js';
import { UsageError } from '../../src/errors.js';
import { seededRandom } from '../../src/workload/random.js';

describe('needle generation', () => {
  it('puts the needle first at depth 0, last at depth 100, and within one sentence of the middle at 50', () => {
    const at = (depth: number) => makeNeedle(seededRandom(1), 'amber-harbor', 2000, depth);
    const haystack = (p: string) => p.split('\n')[1]!;
    expect(haystack(at(0).prompt).startsWith('The special magic number for amber-harbor is: ')).toBe(true);
    expect(haystack(at(100).prompt).endsWith(`The special magic number for amber-harbor is: ${at(100).value}.`)).toBe(true);
    const mid = at(50);
    const text = haystack(mid.prompt);
    const pos = text.indexOf('The special magic number');
    // Filler sentences are under 100 characters, so the needle lands within 100 characters below the middle.
    const fillerChars = text.length - `The special magic number for amber-harbor is: ${mid.value}.`.length - 1;
    expect(pos).toBeLessThanOrEqual(fillerChars / 2);
    expect(pos).toBeGreaterThan(fillerChars / 2 - 100);
    expect(mid.actualDepth).toBeCloseTo(pos / fillerChars, 2);
  });
  it('fills the prompt to the length asked, in 4-character tokens, with the needle\'s number as the only digits', () => {
    for (const length of [500, 4000]) {
      const d = makeNeedle(seededRandom(2), 'quiet-tower', length, 25);
      expect(d.prompt.length).toBeLessThanOrEqual(length * 4);
      expect(d.prompt.length).toBeGreaterThan(length * 4 - 100);
      expect(d.prompt.match(/\d+/g)).toEqual([d.value]);
    }
  });
  it('one item per cell and sample, unique keys, the same for the same seed', () => {
    const options = { lengthsTokens: [300, 600], depthsPercent: [0, 50, 100], samples: 4 };
    const items = generateNeedles(3, options);
    expect(items).toHaveLength(2 * 3 * 4);
    expect(new Set(items.map((i) => (i.data as { key: string }).key)).size).toBe(24);
    expect(generateNeedles(3, options).map((i) => (i.data as { prompt: string }).prompt)).toEqual(items.map((i) => (i.data as { prompt: string }).prompt));
    expect(generateNeedles(4, options)[0]!.data).not.toEqual(items[0]!.data);
    expect([...new Set(items.map((i) => i.subset))]).toEqual(['length=300', 'length=600']);
    expect([...new Set(items.map((i) => i.category))]).toEqual(['depth=0%', 'depth=50%', 'depth=100%']);
  });
  it('parses lengths with k suffixes and depths as percentages, refusing nonsense', () => {
    expect(parseNeedleLengths('1k, 4000,2.5k')).toEqual([1000, 4000, 2500]);
    expect(parseNeedleDepths('0,33.3,100%')).toEqual([0, 33.3, 100]);
    expect(() => parseNeedleLengths('50')).toThrow(UsageError);
    expect(() => parseNeedleDepths('120')).toThrow(/--needle-depths: "120"/);
  });
});

describe('needle scoring', () => {
  it('RULER string_match_all: the number anywhere in the reply counts, a different number does not', () => {
    expect(needleFound('4821937', 'It is 4821937.')).toBe(true);
    expect(needleFound('4821937', 'It is 4821936.')).toBe(false);
  });
  it('cell accuracies are the mean of their own items only', async () => {
    const loaded = await needle.load(null, { seed: 0, limit: null, fewShot: null, needle: { lengthsTokens: [300, 600], depthsPercent: [0, 100], samples: 2 } });
    // Found: both at (300, 0), one at (300, 100), none at (600, *): 3 of 8 overall.
    const hits = [1, 1, 1, 0, 0, 0, 0, 0];
    const samples = await Promise.all(loaded.items.map(async (item, i) => {
      const v = (item.data as { value: string }).value;
      return { item, score: await needle.scoreGenerate(item, [hits[i] ? `It is ${v}.` : 'It is 1234567.'], { seed: 0, allowCodeExecution: false, codeTimeoutMs: 0 }), texts: [] };
    }));
    const agg = aggregateSamples(needle, 'accuracy', samples, 0, 'generate');
    expect(agg.score).toBe(3 / 8);
    expect(agg.metrics[cellMetric(300, 0)]).toBe(1);
    expect(agg.metrics[cellMetric(300, 100)]).toBe(0.5);
    expect(agg.metrics[cellMetric(600, 0)]).toBe(0);
    expect(agg.subsets.map((s) => [s.name, s.score])).toEqual([['length=300', 0.75], ['length=600', 0]]);
    expect(agg.categories.map((s) => [s.name, s.score])).toEqual([['depth=0%', 0.5], ['depth=100%', 0.25]]);
    // A cell left out of some resamples still gets a finite bootstrap stderr (those resamples are skipped, not scored 0).
    expect(Number.isFinite(agg.metrics_stderr[cellMetric(300, 100)])).toBe(true);
  });
});
