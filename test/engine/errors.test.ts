// Server faults are classified per request and counted; sent = succeeded + failed always holds.
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { closedPort, startBadServer, type Misbehaviour } from '../helpers/servers.js';
import { testConfig } from '../helpers/config.js';

const CASES: Array<[Misbehaviour, string]> = [
  ['http500', 'http_500'],
  ['cut', 'stream_cut'],
  ['badjson', 'invalid_json'],
  ['html200', 'not_event_stream'],
  ['nodone', 'incomplete_stream'],
  ['stall', 'idle_timeout'],
];

describe('server faults', () => {
  for (const [misbehaviour, kind] of CASES) {
    it(`${misbehaviour} is counted as ${kind}, and the run ends`, async () => {
      const server = await startBadServer(misbehaviour);
      try {
        const outcome = await runLoad(testConfig(server.url, { requests: 12, concurrency: 3, idleTimeoutMs: 300 }));
        const totals = outcome.totals;
        expect(totals.sent).toBe(12);
        expect(totals.succeeded + totals.failed).toBe(totals.sent);
        expect(totals.errors).toEqual({ [kind]: 12 });
        expect(totals.error_samples[kind]).toBeTruthy();
      } finally {
        await server.close();
      }
    });
  }

  it('connection refused is counted, never thrown', async () => {
    const port = await closedPort();
    const outcome = await runLoad(testConfig(`http://127.0.0.1:${port}`, { requests: 6, concurrency: 2 }));
    expect(outcome.totals.failed).toBe(6);
    expect(outcome.totals.errors).toEqual({ connection_refused: 6 });
  });

  it('the overall per-request timeout ends a stalled request', async () => {
    const server = await startBadServer('stall');
    try {
      const outcome = await runLoad(testConfig(server.url, { requests: 2, concurrency: 2, timeoutMs: 300 }));
      expect(outcome.totals.errors).toEqual({ timeout: 2 });
    } finally {
      await server.close();
    }
  });
});
