// The simulator's faults hit Responses and Messages streams as they hit chat: each ends as the same kind.
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const CASES: Array<[string, string]> = [
  ['no-done', 'incomplete_stream'], // the clean end (response.completed / message_stop) is what no-done leaves out
  ['reset', 'stream_cut'],
  ['bad-json', 'invalid_json'],
  ['500', 'http_500'],
];

describe.each(['responses', 'messages'] as const)('--api %s under simulator faults', (api) => {
  it.each(CASES)('fault %s ends every request as %s', async (kind, expected) => {
    const sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, reasoningTokens: 2, faults: [{ kind, rate: 1 }] });
    try {
      const { totals } = await runLoad(testConfig(sim.url, { api, requests: 3, concurrency: 1, outputTokens: 10 }));
      expect(totals.errors).toEqual({ [expected]: 3 });
    } finally {
      await sim.close();
    }
  });

  it('huge-chunk: a 4 MiB delta event stays a well-formed event and decodes', async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, reasoningTokens: 2, faults: [{ kind: 'huge-chunk', rate: 1 }] });
    try {
      const { totals } = await runLoad(testConfig(sim.url, { api, requests: 2, concurrency: 1, outputTokens: 10, maxEventBytes: 8 * 1024 * 1024 }));
      expect([totals.succeeded, totals.errors]).toEqual([2, {}]);
    } finally {
      await sim.close();
    }
  });
});
