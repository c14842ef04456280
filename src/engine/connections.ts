// Opens the run's connections before the first timed send, and times every connection set-up as its own phase.
import type { Socket as NetSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import type { ConnectionsDocument } from '../metrics/schema.js';

/** What the run measured about its connections; connection set-up is never part of a request's TTFT. */
export interface ConnectionStats {
  /** Connections opened before the first timed send (no request is sent on them until the run starts). */
  preopened: number;
  /** Wall time of opening them all at once, ms (0 when none were). */
  preopenMs: number;
  /** Connections the run opened after that (reconnects, servers that close after each response, open-loop growth). */
  openedDuringRun: number;
  /** Connection attempts that failed (refused, timed out, TLS): the requests that needed them fail with the same kind. */
  failed: number;
  /** Each successful set-up (TCP, and TLS on https), in ms: the phase TTFT leaves out. */
  connectMs: number[];
  /** Time spent warming the response path on a loopback replay before the run (warm-up.ts; 0: not done in this run). */
  warmUpMs: number;
}

/** Kept per run: enough set-up times for percentiles without growing with a long run's reconnects. */
const MAX_CONNECT_SAMPLES = 4096;

type Socket = NetSocket | TLSSocket;

/**
 * An undici connector that hands out sockets opened ahead of time, then opens new ones as undici would.
 * Pre-opened sockets are plain connected sockets (the TLS handshake done on https): undici sees no difference,
 * and the server sees no request until the run sends one.
 */
export class WarmConnector {
  private readonly base: buildConnector.connector;
  /** Sockets opened ahead, per origin: with several replicas (--url repeated) a socket only serves its own server. */
  private readonly stock = new Map<string, Socket[]>();
  private preopening = false;
  readonly stats: ConnectionStats = { preopened: 0, preopenMs: 0, openedDuringRun: 0, failed: 0, connectMs: [], warmUpMs: 0 };
  /** The function to pass as undici's `connect` option. */
  readonly connect: buildConnector.connector;
  /** Sockets handed out from the pre-opened stock: the request that got one paid no connection set-up. */
  private readonly handedOut = new WeakSet<Socket>();
  readonly isPreopened = (socket: NetSocket): boolean => this.handedOut.has(socket);

  constructor(options: buildConnector.BuildOptions) {
    this.base = buildConnector(options);
    this.connect = (opts, callback) => {
      // Newest first: the one least likely to have been closed by an idle timeout on the server.
      const stock = this.stock.get(originKey(opts));
      for (let socket = stock?.pop(); socket !== undefined; socket = stock!.pop()) {
        if (!socket.destroyed && socket.readyState === 'open') {
          socket.removeListener('error', ignoreError);
          socket.ref(); // undici refs and unrefs it from here on, as it does its own
          this.handedOut.add(socket);
          // Never synchronously: undici asks for a connection from inside its resume loop, which ignores a resume
          // requested from within it, so a socket handed over at once would leave the request queued until some
          // unrelated event (measured: 90 s). A microtask hands it over as soon as that loop has returned.
          queueMicrotask(() => callback(null, socket));
          return;
        }
      }
      this.open(opts, (...args) => {
        if (args[0] === null && !this.preopening) this.stats.openedDuringRun++;
        callback(...args);
      });
    };
  }

  /**
   * Opens `count` connections to `origin` at once and keeps them for the run's first requests. Resolves when all
   * are open or failed, or after `limitMs` (a server that never answers must not hold the run back: a late socket
   * still joins the stock). Failures are counted, not thrown: the run's own requests report them by kind.
   */
  preopen(origin: string, count: number, limitMs: number): Promise<void> {
    if (count <= 0) return Promise.resolve();
    const url = new URL(origin);
    const opts = {
      host: url.host,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      protocol: url.protocol,
      port: url.port,
      localAddress: null,
    };
    const startMs = performance.now();
    this.preopening = true;
    return new Promise<void>((resolve) => {
      let pending = count;
      const done = () => {
        clearTimeout(timer);
        this.preopening = false;
        this.stats.preopenMs = Math.round((performance.now() - startMs) * 1000) / 1000;
        resolve();
      };
      const timer = setTimeout(done, limitMs);
      for (let i = 0; i < count; i++) {
        this.open(opts, (error, socket) => {
          if (!error && socket) {
            // An idle socket's error (a reset by the server) must not crash the process; it is dropped at hand-out.
            socket.on('error', ignoreError);
            // An idle socket in stock must not keep the process alive (a --start-at shard that fails before its start).
            socket.unref();
            const key = originKey(opts);
            (this.stock.get(key) ?? this.stock.set(key, []).get(key)!).push(socket);
            this.stats.preopened++;
          }
          if (--pending === 0) done();
        });
      }
    });
  }

  /** Closes whatever was opened ahead and never used (a run that sent fewer requests than connections). */
  close(): void {
    for (const stock of this.stock.values()) for (const socket of stock.splice(0)) socket.destroy();
  }

  private open(opts: buildConnector.Options, callback: buildConnector.Callback): void {
    const startMs = performance.now();
    this.base(opts, (...args) => {
      if (args[0] !== null) this.stats.failed++;
      else if (this.stats.connectMs.length < MAX_CONNECT_SAMPLES) this.stats.connectMs.push(performance.now() - startMs);
      callback(...args);
    });
  }
}

function ignoreError(): void {}

/** The server a connection goes to, the same from undici's connect options and from preopen's. */
function originKey(opts: { protocol?: string; hostname?: string; port?: string | number | null }): string {
  return `${opts.protocol ?? ''}//${opts.hostname ?? ''}:${opts.port ?? ''}`;
}

/**
 * How many connections to open before the first send: every request of the first wave gets its own. Closed loop:
 * the concurrency (or fewer requests). Open loop: the arrivals of the first second, up to the cap on requests in
 * flight, so a low rate with a high cap does not open hundreds of idle connections.
 */
export function preopenCount(concurrency: number, requests: number | null, ratePerS: number | null): number {
  let count = concurrency;
  if (requests !== null) count = Math.min(count, requests);
  if (ratePerS !== null) count = Math.min(count, Math.ceil(ratePerS));
  return Math.max(0, count);
}

/** Several engine threads' connections as one run's: counts add up, set-up times pool, the slowest pre-open counts. */
export function mergeConnectionStats(parts: Array<ConnectionStats | undefined>): ConnectionStats | undefined {
  const present = parts.filter((p): p is ConnectionStats => p !== undefined);
  if (present.length === 0) return undefined;
  return {
    preopened: present.reduce((sum, p) => sum + p.preopened, 0),
    preopenMs: Math.max(...present.map((p) => p.preopenMs)),
    openedDuringRun: present.reduce((sum, p) => sum + p.openedDuringRun, 0),
    failed: present.reduce((sum, p) => sum + p.failed, 0),
    connectMs: present.flatMap((p) => p.connectMs).slice(0, MAX_CONNECT_SAMPLES),
    warmUpMs: Math.max(...present.map((p) => p.warmUpMs ?? 0)),
  };
}

/** The result document's `client.connections`: the connection set-up phase, apart from every request's timings. */
export function connectionsDocument(stats: ConnectionStats): ConnectionsDocument {
  const sorted = Float64Array.from(stats.connectMs).sort();
  const at = (p: number) => (sorted.length === 0 ? null : round3(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!));
  return {
    preopened: stats.preopened,
    preopen_ms: round3(stats.preopenMs),
    opened_during_run: stats.openedDuringRun,
    failed: stats.failed,
    connect_ms: { p50: at(50), p99: at(99), max: at(100), count: sorted.length },
    warm_up_ms: round3(stats.warmUpMs ?? 0),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
