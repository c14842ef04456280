// The run's first line: what is sent and how, never a trace's in-flight cap called a concurrency.
import { describe, expect, it } from 'vitest';
import { loadHeader } from '../../src/run/load-shape.js';
import { parseThinkTime } from '../../src/workload/think-time.js';
import type { Prompt } from '../../src/workload/prompts.js';

const prompts = (n: number): Prompt[] => Array.from({ length: n }, (_, i) => ({ messages: [], text: '', inputTokensEstimate: 1, arrivalMs: i }));
const base = { api: 'chat' as const, ratePerS: null, concurrency: 1 };
const header = (plan: Partial<Parameters<typeof loadHeader>[0]>, requests: number | null, count: number) =>
  loadHeader({ ...base, ...plan } as Parameters<typeof loadHeader>[0], { requests, prompts: prompts(count) }, 'http://h:8000', 'm');

describe('the load header', () => {
  it('a trace: requests at recorded times and the speed; the cap as unbounded, -c, or the open-file limit', () => {
    const trace = { datasetKind: 'trace' as const, workloadConfig: { replay_speed: 4 } };
    expect(header({ ...trace, concurrency: 9936 }, 48, 48)).toBe('llmperf: replaying 48 chat requests at their recorded times (x4 speed) to http://h:8000 (model m), in flight unbounded');
    expect(header({ ...trace, concurrency: 5, capGiven: true }, 10, 48)).toMatch(/replaying 10 chat requests .*, in flight capped at 5 \(-c\)$/);
    expect(header({ ...trace, concurrency: 9936 }, 20_000, 20_000)).toMatch(/replaying 20000 .* in flight capped at 9936 \(the open-file limit; -c sets another\)$/);
  });

  it('users, rates and closed loops say what they are', () => {
    expect(header({ users: 8, concurrency: 8, thinkTime: parseThinkTime('normal:5s,2s') }, 100, 1)).toBe('llmperf: 8 users (conversation loops, think time normal:5s,2s) sending chat requests to http://h:8000 (model m)');
    expect(header({ ratePerS: 5, concurrency: 100, capGiven: true }, 100, 1)).toBe('llmperf: 5 req/s (at most 100 in flight) chat requests to http://h:8000 (model m)');
    expect(header({ concurrency: 16 }, 100, 1)).toBe('llmperf: 16 concurrent chat requests to http://h:8000 (model m)');
    expect(header({ concurrency: 4, thinkTime: parseThinkTime('2s') }, 100, 1)).toBe('llmperf: 4 concurrent (think time 2s) chat requests to http://h:8000 (model m)');
  });
});
