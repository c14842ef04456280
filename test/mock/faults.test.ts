// Fault injection: each kind does what it says, is counted, is seeded, and never outlives close().
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, parseFaultSpec, pickFault, startMockServer, type FaultKind, type MockServer } from '../../src/mock/index.js';
import { UsageError } from '../../src/errors.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

interface Attempt {
  status: number | null;
  headers: Record<string, unknown>;
  bytes: Buffer;
  error: string | null;
  /** Whether the response ended normally. */
  complete: boolean;
  elapsedMs: number;
}

/** A raw request that keeps bytes as bytes and gives up after `timeoutMs` of no response end. */
function attempt(url: string, body: unknown, timeoutMs = 3000): Promise<Attempt> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const payload = JSON.stringify(body);
    const out: Attempt = { status: null, headers: {}, bytes: Buffer.alloc(0), error: null, complete: false, elapsedMs: 0 };
    const parts: Buffer[] = [];
    const done = (error: string | null) => {
      clearTimeout(timer);
      out.bytes = Buffer.concat(parts);
      out.error ??= error;
      out.elapsedMs = performance.now() - t0;
      resolve(out);
    };
    const req = request(new URL('/v1/chat/completions', url), { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
    const timer = setTimeout(() => {
      req.destroy();
      done('timeout');
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    req.on('response', (res) => {
      out.status = res.statusCode ?? null;
      out.headers = res.headers;
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        out.complete = true;
        done(null);
      });
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      res.on('aborted', () => done('aborted'));
    });
    req.end(payload);
  });
}

const streamBody = { messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } };
const frames = (a: Attempt) => a.bytes.toString('utf8').split('\n\n').filter((f) => f.length > 0);

async function withFault(kind: FaultKind, body: unknown = streamBody, timeoutMs = 3000, extra = {}): Promise<Attempt> {
  sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, faults: [{ kind, rate: 1 }], slowHeadersMs: 300, ...extra });
  const a = await attempt(sim.url, body, timeoutMs);
  const stats = await sim.stats();
  expect(stats.faults[kind]).toBe(1);
  return a;
}

describe('fault kinds at rate 1', () => {
  it('reset: some tokens, then the connection is reset', async () => {
    // A TCP reset discards what the client has not read yet, so tokens are spaced 30 ms apart to be read first.
    const a = await withFault('reset', streamBody, 3000, { itlMs: 30 });
    expect(a.status).toBe(200);
    expect(a.complete).toBe(false);
    expect(a.error).toMatch(/ECONNRESET|aborted/);
    expect(frames(a).length).toBeGreaterThan(1);
    expect(a.bytes.toString()).not.toContain('[DONE]');
  });

  it('429, 500, 503: the status, a JSON error, Retry-After where it belongs', async () => {
    const a = await withFault('429');
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('1');
    expect(JSON.parse(a.bytes.toString()).error.message).toMatch(/rate limit/);
    await sim!.close();
    const b = await withFault('500');
    expect(b.status).toBe(500);
    expect(b.headers['retry-after']).toBeUndefined();
    await sim!.close();
    const c = await withFault('503');
    expect(c.status).toBe(503);
    expect(c.headers['retry-after']).toBe('2');
    expect((await sim!.stats()).rejected).toBe(1);
  });

  it('html200: an HTML page with status 200', async () => {
    const a = await withFault('html200');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/text\/html/);
    expect(a.bytes.toString()).toMatch(/^<!DOCTYPE html>/);
  });

  it('malformed-sse: each variant breaks the stream but still ends it', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 12 && seen.size < 3; seed++) {
      const a = await withFault('malformed-sse', streamBody, 3000, { seed });
      await sim!.close();
      sim = null;
      expect(a.complete).toBe(true);
      const text = a.bytes.toString('latin1');
      if (a.bytes.includes(Buffer.from([0xff, 0xfe, 0xc3]))) seen.add('utf8');
      else if (text.includes('%%garbage%%')) seen.add('garbage');
      else if (/\}\ndata: /.test(text)) seen.add('no-blank-line');
      else throw new Error(`no malformation found in: ${text.slice(0, 200)}`);
    }
    expect([...seen].sort()).toEqual(['garbage', 'no-blank-line', 'utf8']);
  });

  it('bad-json: one well-framed event is not valid JSON', async () => {
    const a = await withFault('bad-json');
    const bad = frames(a).filter((f) => {
      const data = f.replace(/^data: /, '');
      if (data === '[DONE]') return false;
      try {
        JSON.parse(data);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
    expect(a.complete).toBe(true);
  });

  it('stall: tokens stop halfway; close() ends the stuck connection', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, faults: [{ kind: 'stall', rate: 1 }] });
    const pending = attempt(sim.url, streamBody, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const stats = await sim.stats();
    expect(stats.inFlight).toBe(1);
    expect(stats.active).toBe(0);
    expect(stats.tokensSent).toBe(5);
    await sim.close();
    sim = null;
    const a = await pending;
    expect(a.complete).toBe(false);
    expect(a.elapsedMs).toBeLessThan(5000);
    expect(frames(a).filter((f) => f.includes('"content":" '))).toHaveLength(5);
  });

  it('slow-headers: nothing for slowHeadersMs, then a normal stream', async () => {
    const a = await withFault('slow-headers');
    expect(a.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(a.complete).toBe(true);
    expect(a.bytes.toString()).toContain('data: [DONE]');
  });

  it('no-headers: never answers; close() ends it', async () => {
    sim = await startMockServer({ port: 0, faults: [{ kind: 'no-headers', rate: 1 }] });
    const pending = attempt(sim.url, streamBody, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await sim.stats()).inFlight).toBe(1);
    await sim.close();
    sim = null;
    const a = await pending;
    expect(a.status).toBeNull();
    expect(a.error).toMatch(/ECONNRESET|socket hang up/);
  });

  it('huge-chunk: one frame of several MB', async () => {
    const a = await withFault('huge-chunk');
    const sizes = frames(a).map((f) => f.length);
    expect(Math.max(...sizes)).toBeGreaterThan(4 * 1024 * 1024);
    expect(sizes.filter((s) => s > 10_000)).toHaveLength(1);
    expect(a.complete).toBe(true);
  });

  it('no-done: a clean end without [DONE], usage still there', async () => {
    const a = await withFault('no-done');
    expect(a.complete).toBe(true);
    expect(a.bytes.toString()).not.toContain('[DONE]');
    expect(a.bytes.toString()).toContain('"usage":{');
  });

  it('no-usage: no usage chunk although asked, and none in non-streamed bodies', async () => {
    const a = await withFault('no-usage');
    expect(a.bytes.toString()).not.toContain('"usage":{');
    expect(a.bytes.toString()).toContain('[DONE]');
    await sim!.close();
    const b = await withFault('no-usage', { messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.parse(b.bytes.toString()).usage).toBeUndefined();
  });
});

describe('fault selection', () => {
  it('hits about the configured share, identically for the same seed', () => {
    const specs = [{ kind: '429' as const, rate: 0.1 }, { kind: 'reset' as const, rate: 0.05 }];
    const count = (seed: number) => {
      const hits: Record<string, number> = {};
      for (let i = 0; i < 10_000; i++) {
        const f = pickFault(specs, seed, i);
        if (f) hits[f.fault.kind] = (hits[f.fault.kind] ?? 0) + 1;
      }
      return hits;
    };
    const a = count(7);
    expect(count(7)).toEqual(a);
    // 10,000 draws: the standard deviation of a 10 % share is 0.3 %; allow about 4 sigma.
    expect(a['429']! / 10_000).toBeGreaterThan(0.088);
    expect(a['429']! / 10_000).toBeLessThan(0.112);
    // reset draws only where 429 missed: 0.9 * 0.05 = 4.5 %.
    expect(a.reset! / 10_000).toBeGreaterThan(0.036);
    expect(a.reset! / 10_000).toBeLessThan(0.054);
  });

  it('rate 0.5 over a server run counts what it injected', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 0, outputTokens: 2, faults: [{ kind: '500', rate: 0.5 }] });
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await attempt(sim.url, streamBody));
    const errors = results.filter((r) => r.status === 500).length;
    const stats = await sim.stats();
    expect(stats.faults['500']).toBe(errors);
    expect(stats.completed + stats.rejected).toBe(40);
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(35);
  });

  it('parses KIND:RATE flags and rejects unknown kinds and bad rates', () => {
    expect(parseFaultSpec('reset:0.1')).toEqual({ kind: 'reset', rate: 0.1 });
    expect(parseFaultSpec('429:5%')).toEqual({ kind: '429', rate: 0.05 });
    for (const bad of ['nope:0.1', 'reset', 'reset:2', 'reset:x']) expect(() => parseFaultSpec(bad)).toThrow(UsageError);
    expect(FAULT_KINDS).toHaveLength(13);
  });
});
