// --retries: off by default, only transient kinds are resent, Retry-After is honoured, every attempt is accounted for.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadRun, runLoad } from '../../src/engine/run.js';
import { backoffMs, DEFAULT_RETRY_POLICY, parseRetryAfterMs, TRANSIENT_KINDS } from '../../src/engine/retry.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer, type FaultSpec, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function simWith(faults: FaultSpec[]): Promise<MockServer> {
  sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 8, faults, seed: 3 });
  return sim;
}

describe('backoff and Retry-After', () => {
  it('doubles per attempt with equal jitter, and is capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(policy, 1, null, () => 0)).toBe(50);
    expect(backoffMs(policy, 1, null, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffMs(policy, 3, null, () => 0)).toBe(200);
    expect(backoffMs(policy, 3, null, () => 1)).toBe(400);
    expect(backoffMs(policy, 10, null, () => 1)).toBe(1000);
    // Retry-After wins over the exponential, but never beyond the cap.
    expect(backoffMs(policy, 1, 700, () => 0)).toBe(700);
    expect(backoffMs(policy, 1, 3_600_000, () => 0)).toBe(1000);
  });

  it('reads delta-seconds and HTTP dates, and refuses nonsense', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs(' 0.5 ')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon')).toBeNull();
  });

  it('treats exactly 429, 503 and a reset before any byte as transient', () => {
    expect([...TRANSIENT_KINDS].sort()).toEqual(['connection_reset', 'http_429', 'http_503']);
  });
});

describe('retries in a run', () => {
  it('are off by default: a 429 is a reported failure and the server sees each request once', async () => {
    const server = await simWith([{ kind: '429', rate: 0.5 }]);
    const outcome = await runLoad(testConfig(server.url, { requests: 20, concurrency: 4 }));
    const t = outcome.totals;
    expect(t.succeeded + t.failed + t.cancelled).toBe(20);
    expect(t.errors.http_429).toBeGreaterThan(0);
    expect(t.retried).toBe(0);
    expect((await server.stats()).requests).toBe(20);
  });

  it('resend 429s until they succeed; retried requests are counted and marked per request', async () => {
    const server = await simWith([{ kind: '429', rate: 0.3 }]);
    const records: RequestRecord[] = [];
    const started = performance.now();
    const outcome = await runLoad(testConfig(server.url, { requests: 24, concurrency: 6, retries: 4 }), {
      onRecord: (record) => records.push(record),
    });
    const t = outcome.totals;
    expect(t.sent).toBe(24);
    expect(t.succeeded + t.failed + t.cancelled).toBe(24);
    expect(records).toHaveLength(24);
    // Every attempt reached the server: first sends plus the extra attempts, nothing lost, nothing invented.
    const stats = await server.stats();
    expect(stats.requests).toBe(24 + (t.retry_attempts ?? -1));
    expect(stats.faults['429']).toBe(t.retry_attempts! + (t.errors.http_429 ?? 0));
    expect(t.retried).toBeGreaterThan(0);
    expect(t.retried).toBe(records.filter((r) => (r.retries ?? 0) > 0).length);
    expect(t.retry_attempts).toBe(records.reduce((sum, r) => sum + (r.retries ?? 0), 0));
    // With four retries at a 30% rate, a request failing five times in a row is rare (0.3^5 per request); all but
    // those succeed, and only with the transient kind.
    expect(Object.keys(t.errors).filter((k) => k !== 'http_429')).toEqual([]);
    expect(t.succeeded).toBeGreaterThanOrEqual(22);
    // Retry-After: 1 from the simulator: at least one retried request waited about a second.
    expect(performance.now() - started).toBeGreaterThan(900);
  });

  it('never resend a 500 (not transient)', async () => {
    const server = await simWith([{ kind: '500', rate: 0.5 }]);
    const outcome = await runLoad(testConfig(server.url, { requests: 16, concurrency: 4, retries: 3 }));
    expect(outcome.totals.errors.http_500).toBeGreaterThan(0);
    expect(outcome.totals.retried).toBe(0);
    expect((await server.stats()).requests).toBe(16);
  });

  it('honour Retry-After (503 asks for 2 s) and report the last failure when retries run out', async () => {
    const server = await simWith([{ kind: '503', rate: 1 }]);
    const started = performance.now();
    const outcome = await runLoad(testConfig(server.url, { requests: 2, concurrency: 2, retries: 1 }));
    const elapsedMs = performance.now() - started;
    expect(outcome.totals.errors).toEqual({ http_503: 2 });
    expect(outcome.totals.retried).toBe(2);
    expect(outcome.totals.retry_attempts).toBe(2);
    expect((await server.stats()).requests).toBe(4);
    // Lower bound only (a loaded machine makes it slower, never faster): the jittered default backoff would be < 250 ms.
    expect(elapsedMs).toBeGreaterThan(1900);
  });

  it('never wait past the end of a --duration run: a Retry-After beyond the deadline ends the request now', async () => {
    const server = await simWith([{ kind: '503', rate: 1 }]);
    const started = performance.now();
    const outcome = await runLoad(testConfig(server.url, { requests: null, durationMs: 500, concurrency: 2, retries: 3 }));
    // Retry-After is 2 s, the run 0.5 s: waiting would overrun the duration by 1.5 s.
    expect(performance.now() - started).toBeLessThan(1800);
    expect(outcome.totals.failed).toBe(outcome.totals.sent);
    expect(Object.keys(outcome.totals.errors)).toEqual(['http_503']);
    expect(outcome.totals.retried).toBe(0);
  });

  it('stop during a backoff ends the waiting requests at once, with the failure they had', async () => {
    const server = await simWith([{ kind: '503', rate: 1 }]);
    const run = new LoadRun(testConfig(server.url, { requests: 4, concurrency: 4, retries: 5 }));
    const started = performance.now();
    const finished = run.run();
    setTimeout(() => run.stop(10_000), 300);
    const outcome = await finished;
    expect(performance.now() - started).toBeLessThan(1500);
    expect(outcome.totals.sent).toBe(4);
    expect(outcome.totals.errors).toEqual({ http_503: 4 });
    expect(outcome.interrupted).toBe(true);
    expect((await server.stats()).requests).toBe(4);
  });
});
