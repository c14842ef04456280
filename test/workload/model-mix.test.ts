// --model parsing (mixes, plain names, bad weights) and the seeded per-index pick.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { formatModelMix, modelPicker, parseModelMix } from '../../src/workload/model-mix.js';

describe('parseModelMix', () => {
  it('reads a weighted mix, an equal-share list and a plain name (Ollama tags included) as before', () => {
    expect(parseModelMix('a:0.7,b:0.3')).toEqual([{ name: 'a', weight: 0.7 }, { name: 'b', weight: 0.3 }]);
    expect(parseModelMix(' a , b ,c')).toEqual([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }, { name: 'c', weight: 1 }]);
    expect(parseModelMix('meta-llama/Llama-3.1-8B-Instruct')).toEqual([{ name: 'meta-llama/Llama-3.1-8B-Instruct', weight: 1 }]);
    // A name whose tag is not a number stays a name; the weight is after the last colon.
    expect(parseModelMix('llama3:8b')).toEqual([{ name: 'llama3:8b', weight: 1 }]);
    expect(parseModelMix('llama3:8b:7,mistral:7b:3')).toEqual([{ name: 'llama3:8b', weight: 7 }, { name: 'mistral:7b', weight: 3 }]);
    expect(parseModelMix('llama3:8b,mistral:7b')).toEqual([{ name: 'llama3:8b', weight: 1 }, { name: 'mistral:7b', weight: 1 }]);
    expect(formatModelMix(parseModelMix('a:7,b:3'))).toBe('a:7,b:3');
  });

  it.each([
    ['a:x,b:0.3', /entry "a:x": "x" is not a number/],
    ['a,b:0.3', /entry "a": it has no weight/],
    ['a:0,b:1', /weight 0 is not a positive number/],
    ['a:-1,b:1', /weight -1 is not a positive number/],
    ['a:1e999,b:1', /weight Infinity is not a positive number/],
    ['a:0', /weight 0 is not a positive number/],
    ['a,,b', /empty entry/],
    [':0.5,b:0.5', /a weight without a model name/],
    ['a:1,a:2', /"a" is listed twice/],
    ['', /empty model name/],
  ])('refuses %j in one line naming the fix', (text, message) => {
    let error: unknown;
    try {
      parseModelMix(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('modelPicker', () => {
  it('depends only on seed and index: the same seed gives the same assignment, another seed another', () => {
    const mix = parseModelMix('a:0.5,b:0.3,c:0.2');
    const first = Array.from({ length: 500 }, (_, i) => modelPicker(mix, 7)(i));
    const again = Array.from({ length: 500 }, (_, i) => modelPicker(mix, 7)(i));
    const other = Array.from({ length: 500 }, (_, i) => modelPicker(mix, 8)(i));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    // Reversed order of asking: still the same per index (no hidden state).
    const pick = modelPicker(mix, 7);
    expect(Array.from({ length: 500 }, (_, k) => pick(499 - k)).reverse()).toEqual(first);
  });

  it('gives shares within 3 sigma of the weights over many seeds', () => {
    const mix = parseModelMix('a:0.7,b:0.2,c:0.1');
    const n = 2000;
    for (const seed of [0, 1, 42, 1234567]) {
      const pick = modelPicker(mix, seed);
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) counts[pick(i)]!++;
      mix.forEach((m, k) => expect(Math.abs(counts[k]! - n * m.weight)).toBeLessThan(3 * Math.sqrt(n * m.weight * (1 - m.weight))));
    }
  });

  it('a mix of one always picks it', () => {
    const pick = modelPicker([{ name: 'x', weight: 1 }], 3);
    expect(new Set(Array.from({ length: 50 }, (_, i) => pick(i)))).toEqual(new Set([0]));
  });
});
