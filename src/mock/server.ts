// Starts the simulator in this thread: a plain node:http server with keep-alive, on loopback by default.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MockContext } from './completion.js';
import { PrefixCache } from './prefix-cache.js';
import { newTotals } from './metrics.js';
import { resolveMockOptions, type MockConfig, type MockOptions } from './options.js';
import { route } from './routes.js';
import { SendTimes, type SendTimeRecord } from './send-times.js';
import { Simulation } from './simulation.js';
import { newSpecTotals } from './speculative.js';
import { StatsCollector, type MockStats } from './stats.js';

/** A running simulator. The same shape whether it runs in this thread or in a worker. */
export interface MockServer {
  /** Base URL without /v1, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** The validated configuration it runs with. */
  config: MockConfig;
  /** Stops listening and destroys every open connection (streams in progress included). */
  close(): Promise<void>;
  /** A snapshot of what it saw (async so the worker variant has the same signature). */
  stats(): Promise<MockStats>;
  /** Zeroes counters and samples (and send times), e.g. between the stages of a sweep. */
  resetStats(): Promise<void>;
  /** Per-response send times, when started with `recordSendTimes: true` (also at GET /debug/send-times). */
  sendTimes(): Promise<{ records: SendTimeRecord[]; dropped: number }>;
}

/** Pending connections the kernel may hold: thousands of clients connect at once in scale tests. */
const LISTEN_BACKLOG = 8192;

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startMockServer(options: Partial<MockOptions> = {}): Promise<MockServer> {
  const config = resolveMockOptions(options);
  const stats = new StatsCollector(performance.now());
  const sim = new Simulation(config, stats);
  const sendTimes = new SendTimes();
  const prefixCache = config.prefixCacheTokens > 0 ? new PrefixCache(config.prefixCacheTokens) : null;
  const totals = config.specTokens > 0 ? { ...newTotals(), spec: newSpecTotals(config.specTokens) } : newTotals();
  const ctx: MockContext = { config, sim, stats, sendTimes, totals, nextId: 0, prefixCache };
  const sockets = new Set<Socket>();

  const server: Server = createServer({ keepAlive: true, noDelay: true, requestTimeout: 0 }, (req, res) => {
    void route(ctx, req, res);
  });
  // Long idle keep-alive so clients rarely race a server-side idle close; headers must still arrive in time.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client error (bad request line, reset) must never take the simulator down.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost(config.host)}:${port}`,
    port,
    config,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sim.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
    // Speculative decoding's truth rides along (cumulative, as the /metrics counters), so tests compare against it.
    stats: async () => (totals.spec ? { ...stats.snapshot(), spec: structuredClone(totals.spec) } : stats.snapshot()),
    resetStats: async () => {
      stats.reset();
      sendTimes.reset();
    },
    sendTimes: async () => sendTimes.snapshot(),
  };
}
