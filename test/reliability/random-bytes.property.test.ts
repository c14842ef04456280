// Property: whatever bytes a server sends (no HTTP at all, random body under valid headers, a good stream gone bad),
// the engine never throws, never hangs, and accounts for every request.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { testConfig } from '../helpers/config.js';
import { expectExactAccounting, openSockets, settleSockets } from './helpers.js';

type Shape = 'raw' | 'sse-body' | 'json-body' | 'good-then-garbage';

/** What the server sends next; every connection gets it, then the server closes the connection. */
let reply: Buffer = Buffer.alloc(0);
let server: Server;
let url = '';
const sockets = new Set<Socket>();

const GOOD_EVENT = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: null }] })}\n\n`;

function build(shape: Shape, bytes: Uint8Array): Buffer {
  const body = Buffer.from(bytes);
  const head = (type: string) => Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nConnection: close\r\n\r\n`);
  switch (shape) {
    case 'raw':
      return body;
    case 'sse-body':
      return Buffer.concat([head('text/event-stream'), body]);
    case 'json-body':
      return Buffer.concat([head('application/json'), body]);
    case 'good-then-garbage':
      return Buffer.concat([head('text/event-stream'), Buffer.from(GOOD_EVENT.repeat(3)), body]);
  }
}

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let answered = false;
    // Answer once the request head has arrived, then close: no response may rely on the client to end it.
    socket.on('data', () => {
      if (answered) return;
      answered = true;
      socket.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('random bytes from the server', () => {
  it('never crash the engine nor break the accounting', async () => {
    const baseline = openSockets();
    const seenKinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Shape>('raw', 'sse-body', 'json-body', 'good-then-garbage'),
        fc.uint8Array({ minLength: 0, maxLength: 2048 }),
        fc.boolean(),
        async (shape, bytes, stream) => {
          reply = build(shape, bytes);
          const outcome = await runLoad(
            testConfig(url, { requests: 3, concurrency: 2, stream, timeoutMs: 3000, idleTimeoutMs: 1000 }),
          );
          expectExactAccounting(outcome.totals, 3);
          expect(outcome.totals.cancelled).toBe(0);
          for (const kind of Object.keys(outcome.totals.errors)) {
            seenKinds.add(kind);
            // A kind is an identifier, never raw server bytes.
            expect(kind).toMatch(/^[a-z0-9_]+$/);
          }
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    // Every connection, client side and server side, is closed once the runs are over.
    expect(await settleSockets(baseline)).toBe(baseline);
    // The inputs did exercise failures (not only lucky successes).
    expect(seenKinds.size).toBeGreaterThan(1);
  }, 120_000);
});
