// Prompt files, synthetic prompts and Poisson schedules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poissonSchedule } from '../../src/workload/arrivals.js';
import { DEFAULT_PROMPTS_FILE, loadPromptFile, syntheticPrompts } from '../../src/workload/prompts.js';

const file = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'llmperf-wl-')), name);
  writeFileSync(path, content);
  return path;
};

describe('prompt files', () => {
  it('reads plain lines, skipping blank ones', () => {
    const prompts = loadPromptFile(file('p.txt', 'first\n\nsecond\n'));
    expect(prompts.map((p) => p.text)).toEqual(['first', 'second']);
    expect(prompts[0].messages).toEqual([{ role: 'user', content: 'first' }]);
  });

  it('reads JSONL with prompt or messages, and names file:line for a bad line', () => {
    const path = file('p.jsonl', '{"prompt":"a"}\n{"messages":[{"role":"user","content":"b"}]}\n');
    expect(loadPromptFile(path).map((p) => p.text)).toEqual(['a', 'b']);
    const bad = file('bad.jsonl', '{"prompt":"a"}\n{"prompt": 3}\n');
    expect(() => loadPromptFile(bad)).toThrow(`${bad}:2`);
  });

  it('an empty file is an error, not an empty run', () => {
    expect(() => loadPromptFile(file('empty.txt', '\n\n'))).toThrow('no prompt');
  });

  it('ships a default prompt set', () => {
    expect(loadPromptFile(DEFAULT_PROMPTS_FILE).length).toBeGreaterThanOrEqual(20);
  });

  it('synthetic prompts have about the asked length, differ, and repeat under the same seed', () => {
    const prompts = syntheticPrompts(5, 256, 3);
    for (const prompt of prompts) expect(prompt.inputTokensEstimate).toBe(256);
    expect(new Set(prompts.map((p) => p.text)).size).toBe(5);
    expect(syntheticPrompts(5, 256, 3)).toEqual(prompts);
  });
});

describe('Poisson schedule', () => {
  it('is deterministic under a seed, starts at 0, and has the asked mean rate', () => {
    const a = poissonSchedule(100, 5000, Infinity, 1);
    expect(a).toEqual(poissonSchedule(100, 5000, Infinity, 1));
    expect(a[0]).toBe(0);
    const gaps = Array.from(a.subarray(1), (t, i) => t - a[i]);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    expect(Math.abs(mean - 10) / 10).toBeLessThan(0.05); // 5000 samples: standard error of the mean is 1.4%
    // Exponential gaps: coefficient of variation near 1.
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.08);
  });

  it('stops at the duration', () => {
    const schedule = poissonSchedule(50, Infinity, 2000, 1);
    expect(schedule[schedule.length - 1]).toBeLessThanOrEqual(2000);
    expect(schedule.length).toBeGreaterThan(70);
    expect(schedule.length).toBeLessThan(130);
  });
});
