// One engine run per simulator fault kind: exact accounting, the precise error kind, bounded time, no leaked socket.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { FAULT_KINDS, startMockServer, type FaultKind, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';
import { expectExactAccounting, openSockets, settleSockets } from './helpers.js';

const REQUESTS = 16;
const SLOW_HEADERS_MS = 300;

interface Case {
  rate: number;
  /** Error kinds a hit request may end with; [] means every request must succeed. */
  kinds: string[];
  /** Every injected fault must show up as exactly one failure (false where a fault variant can be harmless). */
  oneFailurePerFault: boolean;
  config?: Partial<LoadConfig>;
  /** Upper bound on the whole run; generous for a shared 2-core machine, but far below "hangs". */
  maxMs: number;
  check?: (records: RequestRecord[], totals: Awaited<ReturnType<typeof runLoad>>['totals']) => void;
}

const CASES: Record<FaultKind, Case> = {
  reset: { rate: 0.5, kinds: ['stream_cut'], oneFailurePerFault: true, maxMs: 10_000 },
  '429': { rate: 0.5, kinds: ['http_429'], oneFailurePerFault: true, maxMs: 10_000 },
  '500': { rate: 0.5, kinds: ['http_500'], oneFailurePerFault: true, maxMs: 10_000 },
  '503': { rate: 0.5, kinds: ['http_503'], oneFailurePerFault: true, maxMs: 10_000 },
  html200: { rate: 0.5, kinds: ['not_event_stream'], oneFailurePerFault: true, maxMs: 10_000 },
  // Variants: a missing blank line merges two events (invalid JSON); garbage lines and invalid UTF-8 inside a string
  // are survivable, and the request then succeeds. Either way: never another kind, never a crash.
  'malformed-sse': { rate: 1, kinds: ['invalid_json'], oneFailurePerFault: false, maxMs: 10_000 },
  'bad-json': { rate: 0.5, kinds: ['invalid_json'], oneFailurePerFault: true, maxMs: 10_000 },
  stall: { rate: 0.3, kinds: ['idle_timeout'], oneFailurePerFault: true, config: { idleTimeoutMs: 400 }, maxMs: 15_000 },
  'slow-headers': {
    rate: 1,
    kinds: [],
    oneFailurePerFault: false,
    maxMs: 15_000,
    check: (records) => {
      for (const r of records) expect(r.ttft_ms!).toBeGreaterThanOrEqual(SLOW_HEADERS_MS - 5);
    },
  },
  // Our own per-request timer and undici's headers timeout both sit at the timeout: whichever fires first names it.
  'no-headers': { rate: 0.3, kinds: ['timeout', 'headers_timeout'], oneFailurePerFault: true, config: { timeoutMs: 800 }, maxMs: 15_000 },
  // A 4 MiB frame is over the default --max-event-bytes (1 MiB: event_too_large, tested in test/engine/sse-fixtures.test.ts);
  // with the bound raised, a frame that large is read whole and the request succeeds.
  'huge-chunk': {
    rate: 0.25,
    kinds: [],
    oneFailurePerFault: false,
    config: { maxEventBytes: 8 * 1024 * 1024 },
    maxMs: 20_000,
    check: (records) => expect(records.every((r) => r.ok && r.packages > 0)).toBe(true),
  },
  // finish_reason arrived: the answer is complete even without [DONE].
  'no-done': { rate: 1, kinds: [], oneFailurePerFault: false, maxMs: 10_000 },
  'no-usage': {
    rate: 1,
    kinds: [],
    oneFailurePerFault: false,
    maxMs: 10_000,
    check: (_records, totals) => expect(totals.estimated_token_requests).toBe(totals.succeeded),
  },
};

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('every fault kind', () => {
  it('has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual([...FAULT_KINDS].sort());
  });

  for (const kind of FAULT_KINDS) {
    const c = CASES[kind];
    it(`${kind} at ${c.rate * 100}%: ${c.kinds.length ? c.kinds.join(' or ') : 'succeeds'}, exact accounting, no leaked socket`, async () => {
      const baseline = openSockets();
      sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, seed: 7, slowHeadersMs: SLOW_HEADERS_MS, faults: [{ kind, rate: c.rate }] });
      const records: RequestRecord[] = [];
      const started = performance.now();
      const outcome = await runLoad(testConfig(sim.url, { requests: REQUESTS, concurrency: 4, timeoutMs: 5000, idleTimeoutMs: 5000, ...c.config }), {
        onRecord: (record) => records.push(record),
      });
      const elapsedMs = performance.now() - started;
      // Clean shutdown: the run closed every connection it opened (the server's side closes with them).
      expect(await settleSockets(baseline)).toBe(baseline);
      expect(elapsedMs).toBeLessThan(c.maxMs);

      const totals = outcome.totals;
      expectExactAccounting(totals, REQUESTS);
      expect(records).toHaveLength(REQUESTS);
      expect(new Set(records.map((r) => r.index)).size).toBe(REQUESTS);
      expect(totals.cancelled).toBe(0);
      expect(outcome.interrupted).toBe(false);

      const injected = (await sim.stats()).faults[kind] ?? 0;
      expect(injected, 'the simulator injected the fault').toBeGreaterThan(0);
      for (const seen of Object.keys(totals.errors)) expect(c.kinds).toContain(seen);
      if (c.oneFailurePerFault) expect(totals.failed).toBe(injected);
      else expect(totals.failed).toBeLessThanOrEqual(c.kinds.length ? injected : 0);
      for (const record of records) expect(record.ok).toBe(record.error === null);
      c.check?.(records, totals);
    });
  }
});
