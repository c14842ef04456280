// The simulator keeps its schedule: TTFT, token gaps, slot queueing and contention as configured.
//
// Tolerances: the machine is shared and has 2 cores, libuv timers have 1 ms granularity, and a busy
// event loop (vitest, other suites) can delay any single event by tens of ms. So tests assert that
// nothing comes early (the model never runs ahead of its schedule), that medians sit within a few ms,
// and that upper bounds leave 40+ ms of room. Token times are scheduled on an absolute timeline
// (each due time = previous due time + interval), so lateness does not accumulate: the span from the
// request to the last token is checked tightly from below (never early) and loosely from above. A stall
// elsewhere on the machine can still spoil one measurement: each is taken up to three times before failing.
import { afterEach, describe, expect, it } from 'vitest';
import { itlEffectiveMs, serviceTimeMs, startMockServer, type MockServer } from '../../src/mock/index.js';
import { contentTimes, median, post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const body = { messages: [{ role: 'user', content: 'time me' }], stream: true };

describe('timing', () => {
  it('first token after ttftMs, then one token every itlMs', { retry: 2 }, async () => {
    sim = await startMockServer({ port: 0, ttftMs: 100, itlMs: 20, outputTokens: 20, contention: 0 });
    const ttfts: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const times = contentTimes(await post(sim.url, '/v1/chat/completions', body));
      expect(times).toHaveLength(20);
      ttfts.push(times[0]!);
      for (let k = 1; k < times.length; k++) gaps.push(times[k]! - times[k - 1]!);
      const lastMs = times.at(-1)!;
      expect(lastMs).toBeGreaterThanOrEqual(100 + 19 * 20 - 1);
      expect(lastMs).toBeLessThan(100 + 19 * 20 + 60);
    }
    expect(Math.min(...ttfts)).toBeGreaterThanOrEqual(99);
    expect(median(ttfts)).toBeLessThan(100 + 40);
    expect(median(gaps)).toBeGreaterThan(17);
    expect(median(gaps)).toBeLessThan(23);
    const stats = await sim.stats();
    expect(stats.lagMs.count).toBe(60);
    expect(stats.lagMs.p50).toBeLessThan(20);
  });

  it('with slots=2, requests 3 and 4 wait one full service time for a slot', { retry: 2 }, async () => {
    const config = { ttftMs: 50, itlMs: 20, outputTokens: 10, slots: 2, contention: 0 };
    sim = await startMockServer({ port: 0, ...config });
    const url = sim.url;
    const results = await Promise.all([0, 1, 2, 3].map(() => post(url, '/v1/chat/completions', body)));
    const ttfts = results.map((r) => contentTimes(r)[0]!).sort((a, b) => a - b);
    const serviceMs = serviceTimeMs(config, 2, 10);
    expect(serviceMs).toBe(230);
    const early = (ttfts[0]! + ttfts[1]!) / 2;
    const late = (ttfts[2]! + ttfts[3]!) / 2;
    expect(early).toBeGreaterThanOrEqual(49);
    // A client that reads the first two streams late shrinks the difference, one that reads the last two
    // late grows it; 80 ms of room either way still tells "waited one service time" from "did not wait".
    expect(late - early).toBeGreaterThan(serviceMs - 80);
    expect(late - early).toBeLessThan(serviceMs + 100);
    const stats = await sim.stats();
    expect(stats.maxActive).toBe(2);
    expect(stats.maxQueued).toBe(2);
    expect(stats.maxInFlight).toBe(4);
    expect(stats.completed).toBe(4);
  });

  it('token interval grows with active sequences as itlEffectiveMs says', { retry: 2 }, async () => {
    const config = { ttftMs: 20, itlMs: 10, outputTokens: 30, slots: 4, contention: 1 };
    sim = await startMockServer({ port: 0, ...config });
    const expected = itlEffectiveMs(config, 4);
    expect(expected).toBe(17.5);
    const url = sim.url;
    const results = await Promise.all([0, 1, 2, 3].map(() => post(url, '/v1/chat/completions', body)));
    const gaps: number[] = [];
    for (const r of results) {
      const t = contentTimes(r);
      // Skip the first gaps: the four arrivals are admitted a little apart.
      for (let k = 5; k < t.length; k++) gaps.push(t[k]! - t[k - 1]!);
    }
    expect(median(gaps)).toBeGreaterThan(expected - 2);
    expect(median(gaps)).toBeLessThan(expected + 3);
  });
});
