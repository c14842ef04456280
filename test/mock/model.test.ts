// Pure parts: the capacity formulas, the output-length rule, the token rule and option validation.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  closedLoopSteadyState,
  countPromptTokens,
  countTokens,
  itlEffectiveMs,
  maxActiveForItl,
  maxRequestRate,
  planOutput,
  resolveMockOptions,
  serviceTimeMs,
  tokenizeSimple,
  VOCABULARY,
} from '../../src/mock/index.js';

const cfg = { ttftMs: 50, itlMs: 10, slots: 64, contention: 0.5 };

describe('capacity model', () => {
  it('itl grows linearly from itlMs at one sequence to itlMs * (1 + contention * (slots-1)/slots) when full', () => {
    expect(itlEffectiveMs(cfg, 1)).toBe(10);
    expect(itlEffectiveMs(cfg, 33)).toBeCloseTo(10 * (1 + 0.5 * 0.5), 10);
    expect(itlEffectiveMs(cfg, 64)).toBeCloseTo(10 * (1 + (0.5 * 63) / 64), 10);
    // Never beyond slots: more requests queue instead of slowing the active ones.
    expect(itlEffectiveMs(cfg, 500)).toBe(itlEffectiveMs(cfg, 64));
  });

  it('closed-loop throughput rises then flattens at the slot limit while TTFT grows with the queue', () => {
    const at = (c: number) => closedLoopSteadyState(cfg, c, 100);
    expect(at(1).outputTokensPerS).toBeCloseTo((100 * 1000) / (50 + 99 * 10), 6);
    expect(at(32).outputTokensPerS).toBeGreaterThan(at(16).outputTokensPerS);
    expect(at(128).outputTokensPerS).toBeCloseTo(at(64).outputTokensPerS, 6);
    expect(at(64).ttftMs).toBe(50);
    // 64 extra requests wait, on average, 64 / (requests per second) seconds.
    expect(at(128).ttftMs).toBeCloseTo(50 + (64 / at(64).requestsPerS) * 1000, 6);
    expect(maxRequestRate(cfg, 100)).toBeCloseTo(at(64).requestsPerS, 9);
    expect(serviceTimeMs(cfg, 1, 1)).toBe(50);
  });

  it('maxActiveForItl inverts itlEffectiveMs', () => {
    expect(maxActiveForItl(cfg, 9)).toBe(0);
    expect(maxActiveForItl(cfg, 100)).toBe(64);
    const a = maxActiveForItl(cfg, 12);
    expect(itlEffectiveMs(cfg, a)).toBeLessThanOrEqual(12);
    expect(itlEffectiveMs(cfg, a + 1)).toBeGreaterThan(12);
    expect(maxActiveForItl({ ...cfg, contention: 0 }, 10)).toBe(64);
  });
});

describe('output length', () => {
  const c = { outputTokens: 64 };
  it('stops at the natural length or max_tokens, whichever is first', () => {
    expect(planOutput(c, {})).toEqual({ tokens: 64, finishReason: 'stop' });
    expect(planOutput(c, { max_tokens: 10 })).toEqual({ tokens: 10, finishReason: 'length' });
    expect(planOutput(c, { max_tokens: 100 })).toEqual({ tokens: 64, finishReason: 'stop' });
    expect(planOutput(c, { max_tokens: 64 })).toEqual({ tokens: 64, finishReason: 'length' });
    expect(planOutput(c, { max_tokens: 100, max_completion_tokens: 5 })).toEqual({ tokens: 5, finishReason: 'length' });
  });
  it('ignore_eos runs to max_tokens; min_tokens tops up', () => {
    expect(planOutput(c, { max_tokens: 100, ignore_eos: true })).toEqual({ tokens: 100, finishReason: 'length' });
    expect(planOutput(c, { ignore_eos: true })).toEqual({ tokens: 64, finishReason: 'stop' });
    expect(planOutput(c, { max_tokens: 100, min_tokens: 80 })).toEqual({ tokens: 80, finishReason: 'stop' });
    expect(planOutput(c, { max_tokens: 70, min_tokens: 80 })).toEqual({ tokens: 70, finishReason: 'length' });
  });
  it('rejects bad values with a message', () => {
    expect(planOutput(c, { max_tokens: 0 })).toMatch(/at least 1/);
    expect(planOutput(c, { max_tokens: 2.5 })).toMatch(/max_tokens/);
    expect(planOutput(c, { min_tokens: 'x' })).toMatch(/min_tokens/);
  });
});

describe('token rule', () => {
  it('splits words of up to 8 letters, punctuation, and keeps offsets', () => {
    expect(tokenizeSimple('Hello, world!').map((t) => t.text)).toEqual(['Hello', ',', ' world', '!']);
    expect(tokenizeSimple('internationalisation')).toHaveLength(3);
    const text = 'The answer is (B)  ';
    const toks = tokenizeSimple(text);
    expect(toks.map((t) => t.text).join('')).toBe(text);
    for (const t of toks) expect(text.slice(t.offset, t.offset + t.text.length)).toBe(t.text);
    expect(countTokens(text)).toBe(toks.length);
    expect(countTokens('')).toBe(0);
  });
  it('counts chat prompts over all messages, completions prompts, and token-id prompts', () => {
    expect(countPromptTokens({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi there' }] }] })).toBe(
      countTokens('Be brief.\nHi there'),
    );
    expect(countPromptTokens({ prompt: 'one two three' })).toBe(3);
    expect(countPromptTokens({ prompt: [1, 2, 3, 4] })).toBe(4);
  });
  it('generated words are one token each', () => {
    for (const w of VOCABULARY) expect(countTokens(w)).toBe(1);
  });
});

describe('options', () => {
  it('fills defaults', () => {
    const c = resolveMockOptions({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8000, ttftMs: 50, itlMs: 10, outputTokens: 64, slots: 64, seed: 0, model: 'llmperf-sim', closeAfterResponse: false });
  });
  it('rejects bad values with a UsageError naming the option', () => {
    expect(() => resolveMockOptions({ slots: 0 })).toThrow(UsageError);
    expect(() => resolveMockOptions({ ttftMs: -1 })).toThrow(/ttftMs/);
    expect(() => resolveMockOptions({ outputTokens: 1.5 })).toThrow(/outputTokens/);
    expect(() => resolveMockOptions({ port: 70000 })).toThrow(/port/);
  });
});
