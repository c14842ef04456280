// Small misbehaving HTTP servers on loopback, for testing how the engine classifies server faults.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Misbehaviour = 'http500' | 'cut' | 'badjson' | 'html200' | 'stall' | 'nodone';

export interface TestServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

export async function startBadServer(kind: Misbehaviour): Promise<TestServer> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'bad' }] }));
      return;
    }
    count++;
    req.resume();
    req.on('end', () => {
      const sse = { 'content-type': 'text/event-stream' };
      switch (kind) {
        case 'http500':
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
          return;
        case 'html200':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
          return;
        case 'badjson':
          res.writeHead(200, sse).end(chunk('a') + 'data: {"choices": [}\n\n' + 'data: [DONE]\n\n');
          return;
        case 'nodone':
          res.writeHead(200, sse).end(chunk('a') + chunk('b'));
          return;
        case 'cut':
          res.writeHead(200, sse);
          res.write(chunk('a') + chunk('b'));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case 'stall':
          res.writeHead(200, sse);
          res.write(chunk('a'));
          return; // never ends: the client's idle timeout must end it
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests: () => count, close };
}

/**
 * Listens on a free loopback port and returns the URL and a close() that also ends open keep-alive
 * sockets (server.close alone would wait for them).
 */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
