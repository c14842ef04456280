// Real tokenizer.json files built in the test: loading (file, folder, hub cache) and exact-length random prompts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { randomPrompts } from '../../src/workload/datasets/random.js';
import { APPROX_COUNTER, loadTokenizer, resolveTokenizerPath } from '../../src/workload/tokenizer.js';
import { byteLevelBpeTokenizer, hubCache, tokenizerFolder, wordLevelTokenizer } from './tokenizer-files.js';

/** An independent count: the library itself, not llmperf's wrapper. */
const libraryCount = (json: object, text: string) => new Tokenizer(json, {}).encode(text, { add_special_tokens: false }).ids.length;

describe('loading a tokenizer', () => {
  it('from a tokenizer.json file, a model folder, or a model id in the local hub cache', () => {
    const json = wordLevelTokenizer();
    const folder = tokenizerFolder(json);
    expect(loadTokenizer(join(folder, 'tokenizer.json')).count('alpha beta, gamma.')).toBe(5);
    expect(loadTokenizer(folder).count('alpha beta')).toBe(2);
    const cache = hubCache('acme/tiny-model', json);
    const counter = loadTokenizer('acme/tiny-model', { HF_HUB_CACHE: cache });
    expect(counter.exact).toBe(true);
    expect(counter.name).toBe('tokenizer:acme/tiny-model');
    expect(counter.count('river stone cloud')).toBe(3);
    // HF_HOME/hub is the next place looked at, as huggingface_hub does.
    expect(resolveTokenizerPath('acme/tiny-model', { HF_HOME: join(cache, '..') , HF_HUB_CACHE: cache })).toContain('0123abcd');
  });

  it('a missing tokenizer is a usage error that says where it looked and that nothing is downloaded', () => {
    expect(() => loadTokenizer('acme/not-here', { HF_HUB_CACHE: tokenizerFolder({}) })).toThrow(/not a file.*does not download/);
    expect(() => loadTokenizer(tokenizerFolder({ model: { type: 'NoSuchModel' } }))).toThrow(/--tokenizer/);
  });

  it('without --tokenizer the 4-characters rule is used and marked approximate', () => {
    expect(APPROX_COUNTER.exact).toBe(false);
    expect(APPROX_COUNTER.count('12345678')).toBe(2);
    expect(APPROX_COUNTER.count('123456789')).toBe(3);
  });
});

describe('random prompts of exact token lengths', () => {
  for (const [name, json] of [
    ['WordLevel', wordLevelTokenizer()],
    ['byte-level BPE', byteLevelBpeTokenizer()],
  ] as const) {
    it(`${name}: every prompt has exactly the asked count, fixed or drawn from a range`, () => {
      const counter = loadTokenizer(tokenizerFolder(json));
      const fixed = randomPrompts({ count: 20, inputTokens: { kind: 'fixed', tokens: 128 }, prefixTokens: 0, seed: 3, counter });
      for (const prompt of fixed) {
        expect(libraryCount(json, prompt.text)).toBe(128);
        expect(prompt.inputTokensEstimate).toBe(128);
      }
      expect(new Set(fixed.map((p) => p.text)).size).toBe(20);
      const ranged = randomPrompts({ count: 30, inputTokens: { kind: 'uniform', min: 1, max: 600 }, prefixTokens: 0, seed: 4, counter });
      const lengths = ranged.map((p) => libraryCount(json, p.text));
      expect(lengths).toEqual(ranged.map((p) => p.inputTokensEstimate));
      expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(600);
      expect(new Set(lengths).size).toBeGreaterThan(20); // really drawn, not one value
    });
  }

  it('a shared prefix: the same first tokens in every prompt, and the total is still exact', () => {
    const json = byteLevelBpeTokenizer();
    const counter = loadTokenizer(tokenizerFolder(json));
    const prompts = randomPrompts({ count: 10, inputTokens: { kind: 'fixed', tokens: 200 }, prefixTokens: 50, seed: 5, counter });
    const tokenizer = new Tokenizer(json, {});
    const heads = prompts.map((p) => tokenizer.encode(p.text, { add_special_tokens: false }).ids.slice(0, 50).join(','));
    expect(new Set(heads).size).toBe(1);
    for (const prompt of prompts) expect(libraryCount(json, prompt.text)).toBe(200);
    expect(new Set(prompts.map((p) => p.text)).size).toBe(10);
  });

  it('the same seed gives the same prompts; another seed, others', () => {
    const counter = loadTokenizer(tokenizerFolder(wordLevelTokenizer()));
    const make = (seed: number) => randomPrompts({ count: 5, inputTokens: { kind: 'normal', mean: 100, sd: 20 }, prefixTokens: 0, seed, counter });
    expect(make(7)).toEqual(make(7));
    expect(make(8)[0]!.text).not.toBe(make(7)[0]!.text);
  });

  it('without a tokenizer: exact by the 4-characters rule', () => {
    const prompts = randomPrompts({ count: 10, inputTokens: { kind: 'uniform', min: 10, max: 2000 }, prefixTokens: 5, seed: 1, counter: APPROX_COUNTER });
    for (const prompt of prompts) expect(Math.ceil(prompt.text.length / 4)).toBe(prompt.inputTokensEstimate);
  });
});
