// --think-time grammar, seeded draws, recorded pauses in multi-turn datasets, and the --users / --think-time checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { describeThinkTime, drawThinkMs, parseThinkTime } from '../../src/workload/think-time.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { usersPlan } from '../../src/workload/users.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-think-'));
const file = (name: string, lines: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n'));
  return path;
};
const multiTurn = (path: string) => loadWorkload({ dataset: 'multi-turn', datasetPath: path, count: 0, seed: 1, counter: APPROX_COUNTER }).prompts;

describe('--think-time grammar', () => {
  it('reads TIME, MIN:MAX, normal:MEAN,SD, exp:MEAN and data, with the units of every time flag', () => {
    expect(parseThinkTime('2s')).toEqual({ kind: 'fixed', ms: 2000 });
    expect(parseThinkTime('1.5')).toEqual({ kind: 'fixed', ms: 1500 });
    expect(parseThinkTime('0')).toEqual({ kind: 'fixed', ms: 0 });
    expect(parseThinkTime('500ms:3s')).toEqual({ kind: 'uniform', minMs: 500, maxMs: 3000 });
    expect(parseThinkTime('normal:5s,2s')).toEqual({ kind: 'normal', meanMs: 5000, sdMs: 2000 });
    expect(parseThinkTime('exp:1m')).toEqual({ kind: 'exp', meanMs: 60_000 });
    expect(parseThinkTime('data')).toEqual({ kind: 'data' });
    // The result records a spec that parses back to itself.
    for (const text of ['2s', '500ms:3s', 'normal:5s,2s', 'exp:1m', 'data']) {
      expect(parseThinkTime(describeThinkTime(parseThinkTime(text)))).toEqual(parseThinkTime(text));
    }
  });

  it('bad forms are one line naming the flag and the accepted forms', () => {
    expect(() => parseThinkTime('soon')).toThrow(/--think-time soon: "soon" is not a duration/);
    expect(() => parseThinkTime('3s:1s')).toThrow(/MIN must not exceed MAX/);
    expect(() => parseThinkTime('gamma:2s')).toThrow(/unknown form; use TIME, MIN:MAX, normal:MEAN,SD, exp:MEAN or data/);
    expect(() => parseThinkTime('2h')).toThrow(/longer than 1h/);
  });
});

describe('seeded draws', () => {
  it('depend on seed and request index only, and follow the distribution', () => {
    const spec = parseThinkTime('normal:2s,500ms');
    const draws = Array.from({ length: 4000 }, (_, i) => drawThinkMs(spec, 7, i));
    expect(draws.map((_, i) => drawThinkMs(spec, 7, i))).toEqual(draws);
    expect(drawThinkMs(spec, 8, 0)).not.toBe(draws[0]);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    // Within 4 standard errors of the asked mean; the spread within 10%.
    expect(Math.abs(mean - 2000)).toBeLessThan((4 * 500) / Math.sqrt(draws.length));
    expect(sd / 500).toBeGreaterThan(0.9);
    expect(sd / 500).toBeLessThan(1.1);
    const uniform = Array.from({ length: 2000 }, (_, i) => drawThinkMs(parseThinkTime('1s:3s'), 1, i));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(3000);
    // A normal draw below zero is no pause, never a negative one.
    expect(Math.min(...Array.from({ length: 2000 }, (_, i) => drawThinkMs(parseThinkTime('normal:100ms,200ms'), 1, i)))).toBe(0);
    expect(drawThinkMs({ kind: 'data' }, 1, 5, 1234)).toBe(1234);
    expect(drawThinkMs({ kind: 'data' }, 1, 5)).toBe(0);
  });
});

describe('recorded pauses in a multi-turn dataset', () => {
  it('"think_time_s" gives one pause per later turn; message timestamps give user turn minus the reply before it', () => {
    const path = file('think.jsonl', [
      { turns: ['a', 'b', 'c'], think_time_s: [1.5, 0] },
      { messages: [
        { role: 'user', content: 'x', timestamp: 100 },
        { role: 'assistant', content: 'r1', timestamp: 103 },
        { role: 'user', content: 'y', timestamp: 110.5 },
        { role: 'assistant', content: 'r2' },
        { role: 'user', content: 'z', timestamp: 130 },
      ] },
      { conversations: [
        { from: 'human', value: 'p', timestamp: '2024-05-01T10:00:00Z' },
        { from: 'gpt', value: 'q', timestamp: '2024-05-01T10:00:04Z' },
        { from: 'human', value: 's', timestamp: '2024-05-01T10:00:09.250Z' },
      ] },
      { turns: ['no', 'pauses'] },
    ]);
    const prompts = multiTurn(path);
    expect(prompts.map((p) => p.thinkTimesMs)).toEqual([[1500, 0], [7500, 0], [5250], undefined]);
  });

  it('malformed pauses are errors naming file:line', () => {
    const path = file('bad.jsonl', [
      { turns: ['a', 'b'], think_time_s: [1, 2] },
      { turns: ['a', 'b'], think_time_s: [-1] },
      { messages: [{ role: 'user', content: 'x', timestamp: 'noon' }, { role: 'user', content: 'y' }] },
    ]);
    expect(() => multiTurn(path)).toThrow(/bad\.jsonl:1: "think_time_s" has 2 value\(s\); the record has 1.*bad\.jsonl:2: "think_time_s" must be.*bad\.jsonl:3: messages\[0\]\.timestamp must be/);
  });
});

describe('--users and --think-time against the workload', () => {
  const single = loadWorkload({ count: 4, seed: 1, counter: APPROX_COUNTER }).prompts;
  const turns = multiTurn(file('t.jsonl', [{ turns: ['a', 'b'] }]));
  it('a pause needs a next turn: multi-turn, or users', () => {
    expect(() => usersPlan({ thinkTime: '2s' }, undefined, single)).toThrow(/--think-time 2s: a pause needs a next turn; use --dataset multi-turn, or --users N/);
    expect(usersPlan({ thinkTime: '2s' }, 3, single)).toEqual({ users: 3, thinkTime: { kind: 'fixed', ms: 2000 } });
    expect(usersPlan({ thinkTime: '1s:2s' }, undefined, turns).thinkTime).toEqual({ kind: 'uniform', minMs: 1000, maxMs: 2000 });
  });
  it('data needs a dataset that records pauses', () => {
    expect(() => usersPlan({ thinkTime: 'data' }, 2, turns)).toThrow(/--think-time data: no record of the dataset carries pauses/);
  });
});
