// Warms the response path (undici's client and HTTP parser, the SSE decoder, JSON.parse) on a loopback replay before the first timed send.
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createDispatcher, sendRequest } from './client.js';
import { RequestState, type PackageGapSink } from './stream.js';

/** Replayed requests: enough for the code paths to be compiled and their first-use allocations made, in tens of ms. */
const CONCURRENT = 8;
const ROUNDS = 3;
const CONTENT_EVENTS = 24;
/** The warm-up never holds a run back longer than this. */
const LIMIT_MS = 2000;

/** One chunked HTTP response carrying a vLLM-shaped stream: role, content events, finish, usage, [DONE]. */
function replayBytes(): Buffer[] {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-warm', object: 'chat.completion.chunk', created: 0, model: 'warm-up', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < CONTENT_EVENTS; i++) events.push(chunk({ content: ` word${i}` }));
  events.push(chunk({}, 'length'));
  events.push(`data: ${JSON.stringify({ id: 'chatcmpl-warm', object: 'chat.completion.chunk', created: 0, model: 'warm-up', choices: [], usage: { prompt_tokens: 4, completion_tokens: CONTENT_EVENTS, total_tokens: CONTENT_EVENTS + 4 } })}\n\n`);
  events.push('data: [DONE]\n\n');
  const head = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n';
  // One write per event, as a server streams them: the parser sees many small body chunks, not one.
  return [Buffer.from(head), ...events.map((e) => Buffer.from(`${Buffer.byteLength(e).toString(16)}\r\n${e}\r\n`)), Buffer.from('0\r\n\r\n')];
}

const noGaps: PackageGapSink = { recordItlUs() {}, recordPackageAt() {} };

let warmed: Promise<number> | null = null;

/**
 * Runs the engine's own request path against a throwaway server on 127.0.0.1 in this process, once per thread: the
 * run's server receives nothing. Resolves with the time it took (ms), 0 when an earlier run of this thread already
 * did it; failures are ignored (the run then starts cold).
 */
export async function warmResponsePath(): Promise<number> {
  if (warmed !== null) {
    await warmed;
    return 0;
  }
  warmed = replay().catch(() => 0);
  return warmed;
}

async function replay(): Promise<number> {
  const startMs = performance.now();
  const bytes = replayBytes();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      for (const b of bytes) socket.write(b);
      socket.end();
    });
  });
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const port = (server.address() as { port: number }).port;
  const dispatcher = createDispatcher({ connections: CONCURRENT, timeoutMs: LIMIT_MS, idleTimeoutMs: LIMIT_MS, rejectUnauthorized: true });
  const request = {
    origin: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    headers: ['content-type', 'application/json'],
    body: JSON.stringify({ model: 'warm-up', messages: [{ role: 'user', content: 'warm up' }], stream: true }),
    stream: true,
  };
  const deadline = startMs + LIMIT_MS;
  try {
    for (let round = 0; round < ROUNDS && performance.now() < deadline; round++) {
      await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => new Promise<void>((resolve) => {
          const state = new RequestState(-1 - i);
          state.sendMs = performance.now();
          sendRequest(dispatcher, request, state, noGaps, LIMIT_MS, () => resolve());
        })),
      );
    }
  } finally {
    await dispatcher.destroy().catch(() => {});
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  return Math.round((performance.now() - startMs) * 1000) / 1000;
}
