// The pure parts behind the messages: closest command, endpoint paths, vLLM aliases, the progress line's width.
import { describe, expect, it } from 'vitest';
import { resolveVllmAliases } from '../../src/cli/aliases.js';
import { lineWidth, progressText } from '../../src/cli/progress.js';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { endpointPathNote, normalizeBaseUrl } from '../../src/engine/target.js';
import { UsageError } from '../../src/errors.js';

const COMMANDS = ['run', 'mock', 'report', 'compare', 'merge', 'sweep', 'capacity', 'eval', 'arena'];

describe('closest command', () => {
  it('finds typos, swaps and prefixes, and nothing for a word far from every command', () => {
    expect(editDistance('swep', 'sweep')).toBe(1);
    expect(editDistance('rpeort', 'report')).toBe(1); // a swap of neighbours counts once
    expect(closest('swep', COMMANDS)).toBe('sweep');
    expect(closest('rpeort', COMMANDS)).toBe('report');
    expect(closest('cap', COMMANDS)).toBe('capacity');
    expect(closest('arean', COMMANDS)).toBe('arena');
    expect(closest('xyzzy', COMMANDS)).toBeNull();
  });
});

describe('an endpoint pasted as --url', () => {
  it.each([
    ['http://host:8000/v1/chat/completions', 'http://host:8000', '/v1/chat/completions'],
    ['http://host:8000/v1/completions/', 'http://host:8000', '/v1/completions'],
    ['https://gw.example/proxy/v1/embeddings', 'https://gw.example/proxy', '/v1/embeddings'],
    ['http://host:8000/chat/completions', 'http://host:8000', '/chat/completions'],
  ])('%s uses the base %s', (raw, base, path) => {
    expect(normalizeBaseUrl(raw)).toBe(base);
    expect(endpointPathNote(raw, 'chat')).toContain(`--url ends in the endpoint path ${path}: using the base URL ${base}`);
  });

  it('says nothing for a plain base URL and names the --api a different endpoint implies', () => {
    expect(endpointPathNote('http://host:8000', 'chat')).toBeNull();
    expect(endpointPathNote('http://host:8000/v1', 'chat')).toBeNull();
    expect(endpointPathNote('http://host:8000/v1/embeddings', 'chat')).toMatch(/add --api embeddings$/);
    expect(endpointPathNote('http://host:8000/v1/embeddings', 'embeddings')).not.toContain('add --api');
  });
});

describe('vLLM flag aliases', () => {
  const resolve = (opts: Record<string, unknown>) => {
    const out = { ...opts };
    resolveVllmAliases(out, (key, value) => (value === undefined ? delete out[key] : (out[key] = value)));
    return out;
  };

  it('moves each alias to the flag it means', () => {
    expect(resolve({ numPrompts: '10', requestRate: '4', randomInputLen: '32', randomOutputLen: '8', datasetName: 'random', baseUrl: 'http://h:1' }))
      .toEqual({ requests: '10', rate: '4', inputTokens: '32', outputTokens: '8', dataset: 'random', url: 'http://h:1' });
  });

  it('reads --request-rate inf as every request at once', () => {
    expect(resolve({ numPrompts: '10', requestRate: 'inf' })).toEqual({ requests: '10', concurrency: '10' });
    expect(resolve({ requestRate: 'inf', maxConcurrency: '4' })).toEqual({ maxConcurrency: '4' });
  });

  it('refuses both names with different values', () => {
    expect(() => resolve({ numPrompts: '10', requests: '11' })).toThrow(UsageError);
    expect(resolve({ numPrompts: '10', requests: '10' })).toEqual({ requests: '10' });
  });
});

describe('the progress line', () => {
  const p = { done: 12, expected: 64, failed: 1, inFlight: 8, outputTokens: 100, elapsedMs: 14_000 };

  it('never gets a negative width, whatever the terminal reports', () => {
    for (const columns of [0, -5, 3, Number.NaN, undefined]) expect(lineWidth(columns as number | undefined)).toBe(79);
    expect(lineWidth(60)).toBe(59);
    expect(lineWidth(300)).toBe(99);
    expect(progressText(p, 0, {}, 0)).toBe('');
  });

  it('shows the planned end: N of expected, or seconds of the planned time, and the stage', () => {
    expect(progressText(p, 250, {}, 99)).toMatch(/^ {2}12\/64 done, 1 errors, 8 in flight, 250 output tok\/s, 14s +$/);
    expect(progressText({ ...p, expected: null }, 0, { durationMs: 30_000 }, 99)).toContain('12 done, 1 errors, 8 in flight, 0 output tok/s, 14s of 30s');
    expect(progressText(p, 0, { label: 'concurrency 16:' }, 99)).toMatch(/^ {2}concurrency 16: 12\/64 done/);
    expect(progressText(p, 0, {}, 20)).toHaveLength(20);
  });
});
