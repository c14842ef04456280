// HTTP phase timings per request (connect, response headers, first body byte), checked against servers' own clocks.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { buildResult } from '../../src/engine/result.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';
import { selfSigned } from '../helpers/tls.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** Server-side times (this process's performance.now(), the client's clock too) of one request, by its id. */
interface ServerTimes {
  arrivedMs: number;
  headersMs: number;
  firstByteMs: number;
}

const chunk = (content: string, finish: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

/**
 * A fixture server that holds back its response headers (`/slow-headers`) or, with the headers sent at once, the first
 * byte of its body (`/slow-body`) for `delayMs`, and records when it really did each.
 */
function phaseHandler(delayMs: number, times: Map<string, ServerTimes>) {
  let next = 0;
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const id = `req-${next++}`;
      const entry: ServerTimes = { arrivedMs: performance.now(), headersMs: NaN, firstByteMs: NaN };
      times.set(id, entry);
      const slowHeaders = req.url?.includes('/slow-headers') === true;
      const sendHeaders = () => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': id });
        res.flushHeaders();
        entry.headersMs = performance.now();
      };
      const sendBody = () => {
        entry.firstByteMs = performance.now();
        res.end(chunk('hello', null) + chunk(' world', 'stop') + 'data: [DONE]\n\n');
      };
      if (slowHeaders) {
        setTimeout(() => {
          sendHeaders();
          sendBody();
        }, delayMs);
      } else {
        sendHeaders();
        setTimeout(sendBody, delayMs);
      }
    });
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

async function recordsOf(baseUrl: string, overrides: Parameters<typeof testConfig>[1]): Promise<{ records: RequestRecord[]; summary: Record<string, unknown> }> {
  const records: RequestRecord[] = [];
  const config = testConfig(baseUrl, overrides);
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: false });
  return { records, summary: result.summary as unknown as Record<string, unknown> };
}

const DELAY_MS = 150;

describe('HTTP phase timings', () => {
  it('tells slow response headers from a slow first body byte, as the server timed them', async () => {
    const times = new Map<string, ServerTimes>();
    const port = await listen(createHttpServer(phaseHandler(DELAY_MS, times)));
    for (const kind of ['slow-headers', 'slow-body'] as const) {
      const { records } = await recordsOf(`http://127.0.0.1:${port}/${kind}`, { concurrency: 2, requests: 4 });
      expect(records).toHaveLength(4);
      for (const record of records) {
        expect(record.ok).toBe(true);
        const server = times.get(record.request_id!)!;
        const headersMs = record.http_headers_ms!;
        const firstByteMs = record.http_first_byte_ms!;
        // Causality against the server's own clock: the client cannot see a phase before the server did it.
        expect(headersMs).toBeGreaterThanOrEqual(server.headersMs - server.arrivedMs);
        expect(firstByteMs).toBeGreaterThanOrEqual(server.firstByteMs - server.arrivedMs);
        expect(firstByteMs).toBeGreaterThanOrEqual(headersMs);
        expect(record.ttft_ms!).toBeGreaterThanOrEqual(firstByteMs);
        const serverGapMs = server.firstByteMs - server.headersMs;
        if (kind === 'slow-headers') {
          // Headers and body left together: the wait is in the headers phase, the body followed at once.
          expect(firstByteMs - headersMs).toBeLessThan(headersMs / 2);
        } else {
          // The headers came at once; the wait is between them and the body (most of the server's gap: how late the
          // client read the headers can shorten what it sees of the gap, never the first byte's own time above).
          expect(firstByteMs - headersMs).toBeGreaterThan(serverGapMs / 2);
          expect(headersMs).toBeLessThan(firstByteMs - headersMs);
        }
      }
    }
  });

  it('times the connect of requests that opened a connection, and only those', async () => {
    const times = new Map<string, ServerTimes>();
    const server = createHttpServer(phaseHandler(0, times));
    let accepted = 0;
    server.on('connection', () => accepted++);
    const port = await listen(server);
    const url = `http://127.0.0.1:${port}/fast`;
    const cold = await recordsOf(url, { concurrency: 3, requests: 9, preconnect: false });
    const connected = cold.records.filter((r) => r.http_connect_ms !== null);
    // One per connection the server accepted during the run; the requests after them reused those connections.
    expect(connected).toHaveLength(accepted);
    expect(accepted).toBe(3);
    for (const record of connected) expect(record.http_connect_ms!).toBeGreaterThan(0);
    expect((cold.summary.http_connect_ms as { count: number }).count).toBe(3);
    // Pre-opened (the default): no request paid a set-up; the pre-open is reported apart (client.connections).
    const warm = await recordsOf(url, { concurrency: 3, requests: 9 });
    expect(warm.records.every((r) => r.http_connect_ms === null)).toBe(true);
    expect(warm.summary.http_connect_ms).toBeUndefined();
  });

  const credentials = selfSigned();
  it.skipIf(credentials === null)('includes the TLS handshake in the connect time of an https request', async () => {
    const plainTimes = new Map<string, ServerTimes>();
    const tlsTimes = new Map<string, ServerTimes>();
    const plainPort = await listen(createHttpServer(phaseHandler(0, plainTimes)));
    const tlsPort = await listen(createHttpsServer(credentials!, phaseHandler(0, tlsTimes)) as unknown as Server);
    const median = (records: RequestRecord[]) => {
      const values = records.map((r) => r.http_connect_ms).filter((v): v is number => v !== null).sort((a, b) => a - b);
      return values[Math.floor(values.length / 2)]!;
    };
    const options = { concurrency: 6, requests: 6, preconnect: false };
    // Interleaved, so both see the same machine: the TLS connect (TCP + handshake) takes longer than TCP alone.
    const plain = await recordsOf(`http://127.0.0.1:${plainPort}/fast`, options);
    const tls = await recordsOf(`https://127.0.0.1:${tlsPort}/fast`, { ...options, rejectUnauthorized: false });
    const plainAgain = await recordsOf(`http://127.0.0.1:${plainPort}/fast`, options);
    expect(tls.records.filter((r) => r.http_connect_ms !== null)).toHaveLength(6);
    expect(median(tls.records)).toBeGreaterThan(Math.min(median(plain.records), median(plainAgain.records)));
  });

  it('reports every phase of the simulator\'s streams in the result, in order', async () => {
    const sim: MockServer = await startMockServer({ port: 0, ttftMs: 40, itlMs: 2, outputTokens: 4 });
    closers.push(() => sim.close());
    const { records, summary } = await recordsOf(sim.url, { concurrency: 4, requests: 12 });
    expect(records.every((r) => r.ok && r.http_headers_ms! <= r.http_first_byte_ms! && r.http_first_byte_ms! <= r.ttft_ms!)).toBe(true);
    expect((summary.http_headers_ms as { count: number }).count).toBe(12);
    expect((summary.http_first_byte_ms as { count: number }).count).toBe(12);
    // The simulator waits TTFT before the first token: the first body byte, not the headers, carries that wait.
    const p50 = (key: string) => (summary[key] as { p50: number }).p50;
    expect(p50('http_first_byte_ms')).toBeGreaterThan(p50('http_headers_ms'));
  });
});
