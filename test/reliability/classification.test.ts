// Error kinds the simulator's faults do not produce: a reset before any byte (and its retries), a body too large to keep.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { testConfig } from '../helpers/config.js';
import { expectExactAccounting } from './helpers.js';

let server: Server | null = null;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(handler: (body: string, socket: Socket, res: import('node:http').ServerResponse) => void): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      count++;
      handler(body, req.socket, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

describe('connection reset before any byte', () => {
  it('is connection_reset (after the one transparent reconnect), and --retries resends it', async () => {
    const target = await serve((_body, socket) => socket.destroy());
    const outcome = await runLoad(testConfig(target.url, { requests: 1, concurrency: 1 }));
    expect(outcome.totals.errors).toEqual({ connection_reset: 1 });
    // A closed keep-alive connection is resent once on a fresh one: 2 tries, still one request.
    expect(target.requests()).toBe(2);
    expect(outcome.totals.reconnects).toBe(1);

    const before = target.requests();
    const retried = await runLoad(testConfig(target.url, { requests: 1, concurrency: 1, retries: 2 }));
    expectExactAccounting(retried.totals, 1);
    expect(retried.totals.errors).toEqual({ connection_reset: 1 });
    expect(retried.totals.retried).toBe(1);
    expect(retried.totals.retry_attempts).toBe(2);
    // Three attempts, each with its own transparent reconnect.
    expect(target.requests() - before).toBe(6);
  });
});

describe('a non-streaming body larger than llmperf keeps', () => {
  it('is response_too_large, not a misleading invalid_json', async () => {
    const huge = JSON.stringify({ choices: [{ message: { content: 'x'.repeat(9 * 1024 * 1024) }, finish_reason: 'stop' }] });
    const target = await serve((_body, _socket, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(huge));
    const outcome = await runLoad(testConfig(target.url, { requests: 2, concurrency: 2, stream: false }));
    expectExactAccounting(outcome.totals, 2);
    expect(outcome.totals.errors).toEqual({ response_too_large: 2 });
    expect(outcome.totals.error_samples.response_too_large).toMatch(/more than the \d+ llmperf keeps/);
  });
});
