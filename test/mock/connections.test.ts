// Connections: keep-alive reuse, llama.cpp-style close after each response, the worker variant, scale.
import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockInWorker, startMockServer, type MockServer } from '../../src/mock/index.js';
import { chunks, post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const body = { messages: [{ role: 'user', content: 'hello' }], stream: true, max_tokens: 3 };

describe('keep-alive', () => {
  it('keeps the connection open between responses by default', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const a = await post(sim.url, '/v1/chat/completions', body, agent);
    expect(a.headers.connection).toBe('keep-alive');
    expect(await a.socketClosed).toBe(false);
    const b = await post(sim.url, '/v1/chat/completions', body, agent);
    expect(b.localPort).toBe(a.localPort);
    agent.destroy();
  });

  it('closeAfterResponse advertises keep-alive but closes after every response', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, closeAfterResponse: true });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const [stream, status] of [[true, 200], [false, 200], [true, 400]] as const) {
      const r = await post(sim.url, '/v1/chat/completions', status === 400 ? { stream } : { ...body, stream }, agent);
      expect(r.status).toBe(status);
      expect(r.headers.connection).toBe('keep-alive');
      expect(await r.socketClosed).toBe(true);
    }
    agent.destroy();
  });
});

describe('worker variant', () => {
  it('serves from a worker thread, reports stats, and stops', async () => {
    sim = await startMockInWorker({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 4 });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.config.outputTokens).toBe(4);
    const r = await post(sim.url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(chunks(r).filter((c) => c.choices[0]?.delta?.content)).toHaveLength(4);
    const stats = await sim.stats();
    expect(stats.requests).toBe(1);
    expect(stats.tokensSent).toBe(4);
    await sim.resetStats();
    expect((await sim.stats()).requests).toBe(0);
    const url = sim.url;
    await sim.close();
    sim = null;
    await expect(post(url, '/v1/chat/completions', body)).rejects.toThrow();
  });

  it('rejects bad options in the caller thread', async () => {
    await expect(startMockInWorker({ slots: 0 })).rejects.toThrow(/slots/);
  });
});

describe('scale', () => {
  it('completes 2,000 concurrent streams, most decoding at once, in bounded time', async () => {
    const n = 2000;
    sim = await startMockInWorker({ port: 0, ttftMs: 50, itlMs: 200, outputTokens: 20, slots: n, contention: 0 });
    const url = sim.url;
    const agent = new Agent({ keepAlive: true, maxSockets: n });
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: n }, () => post(url, '/v1/chat/completions', { ...body, max_tokens: undefined }, agent)));
    const elapsedMs = performance.now() - t0;
    agent.destroy();
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.events.at(-1)?.data).toBe('[DONE]');
    }
    const stats = await sim.stats();
    expect(stats.completed).toBe(n);
    expect(stats.tokensSent).toBe(n * 20);
    // Thousands of streams decoded at once on the one shared timer. Opening 2,000 sockets takes the
    // client seconds on a busy 2-core machine, so not all of them overlap; more than half always do.
    expect(stats.maxActive).toBeGreaterThan(n / 2);
    expect(stats.maxQueued).toBe(0);
    // One response takes 50 + 19 * 200 = 3,850 ms; connection setup for 2,000 sockets on a busy
    // 2-core machine adds seconds, so the bound only catches a simulator that serialises streams.
    expect(elapsedMs).toBeLessThan(30_000);
  });
});
