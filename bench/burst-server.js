// The burst server: a separate process answering every POST at once with a precomputed SSE body, costing almost nothing per event.
// Usage: node bench/burst-server.js; prints {"port": P} on stdout. The first path segment picks the body: /e16/v1/chat/completions.
import { createServer } from 'node:net';
import { httpResponse, sseBody } from './sse-body.js';

const responses = new Map();
function responseFor(head) {
  // Request line: "POST /e256/v1/chat/completions HTTP/1.1"
  const match = /^[A-Z]+ \/e(\d+)\//.exec(head);
  const tokens = match ? Math.min(100_000, Number(match[1])) : 16;
  let response = responses.get(tokens);
  if (response === undefined) {
    response = httpResponse(sseBody(tokens));
    responses.set(tokens, response);
  }
  return response;
}

const HEAD_END = Buffer.from('\r\n\r\n');
let requests = 0;

const server = createServer({ noDelay: true }, (socket) => {
  let pending = null;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    let buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    // Bounded: each pass consumes one whole request or stops.
    for (let i = 0; i < 10_000; i++) {
      const headEnd = buf.indexOf(HEAD_END);
      if (headEnd < 0) break;
      const head = buf.toString('latin1', 0, headEnd);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const total = headEnd + 4 + (length ? Number(length[1]) : 0);
      if (buf.length < total) break;
      requests++;
      socket.write(responseFor(head));
      buf = buf.subarray(total);
    }
    pending = buf.length > 0 ? buf : null;
  });
});
server.maxConnections = 100_000;
server.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('message', (msg) => {
  if (msg === 'requests') process.send?.({ requests });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
