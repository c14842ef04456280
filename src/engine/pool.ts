// The connection pool a run sends through: one undici Client per connection, free ones handed out from a stack.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, Dispatcher, type buildConnector } from 'undici';

/** A handler that wants the set-up time of a connection opened for its request (the engine's, client.ts). */
interface ConnectionTimedHandler extends Dispatcher.DispatchHandler {
  onConnectionOpened?(setupMs: number): void;
}

/** How the pool opens connections: undici's connector, and which of its sockets were opened before the run. */
export interface PoolConnector {
  connect: buildConnector.connector;
  /** True for a socket opened ahead of the run (connections.ts): no request paid its set-up. */
  isPreopened?: (socket: Socket) => boolean;
}

/**
 * undici's Pool looks for a free connection by walking all of them on every request, twice when the one it picks
 * turns busy (pool.js kGetDispatcher): O(connections) per request, 4-7% of the client's CPU at 1,024 streams of
 * short responses (bench/profile.js). Here a free connection is popped from a stack and pushed back on its 'drain'
 * (undici's public contract: `dispatch` returning false means busy until 'drain'), so a request costs the same at
 * 1,024 connections as at 8. What undici does per connection (HTTP/1.1, llhttp, keep-alive, timeouts) is unchanged.
 */
export class StreamPool extends Dispatcher {
  private readonly origins = new Map<string, OriginPool>();
  private closed = false;

  constructor(
    /** Connections per origin at most (the run's concurrency: requests then never wait for a socket). */
    private readonly connections: number,
    private readonly clientOptions: Client.Options,
    private readonly connector: PoolConnector,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(options.origin);
    let pool = this.origins.get(origin);
    if (pool === undefined) {
      if (this.closed) {
        handler.onError?.(endedError());
        return false;
      }
      pool = new OriginPool(origin, this.connections, this.clientOptions, this.connector);
      this.origins.set(origin, pool);
    }
    pool.dispatch(options, handler);
    return true;
  }

  override async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.origins.values()].map((pool) => pool.end(false)));
  }

  override async destroy(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.origins.values()].map((pool) => pool.end(true)));
  }
}

/** One connection and whether it is on the free stack (so a stray 'drain' can never list it twice). */
interface Slot {
  client: Client;
  free: boolean;
  /** undici's 'connect' / 'disconnect' events: whether the next request on it must open a connection first. */
  connected: boolean;
  /** The request that is waiting for this slot's connection to open (it gets the set-up time). */
  opener: ConnectionTimedHandler | null;
}

class OriginPool {
  private readonly slots: Slot[] = [];
  private readonly free: Slot[] = [];
  /** Requests waiting for a connection (only when more are in flight than `max`): FIFO. */
  private readonly waiting: Array<[Dispatcher.DispatchOptions, Dispatcher.DispatchHandler] | undefined> = [];
  private head = 0;
  private ended = false;

  constructor(
    private readonly origin: string,
    private readonly max: number,
    private readonly options: Client.Options,
    private readonly connector: PoolConnector,
  ) {}

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const slot = this.free.pop() ?? (this.slots.length < this.max ? this.add() : undefined);
    if (slot === undefined) {
      this.waiting.push([options, handler]);
      return;
    }
    this.send(slot, options, handler);
  }

  private send(slot: Slot, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    slot.free = false;
    if (!slot.connected) slot.opener = handler;
    // false: the connection is busy until its 'drain' (always, with pipelining 1, once it holds the request). A
    // request undici refused at once (it called handler.onError) leaves the connection empty: free it now.
    if (slot.client.dispatch(options, handler) || slot.client.stats.size === 0) this.release(slot);
  }

  private add(): Slot {
    const { connect, isPreopened } = this.connector;
    const slot: Slot = { client: null as unknown as Client, free: false, connected: false, opener: null };
    // Times each connection this slot opens, for the request that waited on it (HTTP phase http_connect_ms).
    const timedConnect: buildConnector.connector = (opts, callback) => {
      const startMs = performance.now();
      connect(opts, (...args) => {
        const opener = slot.opener;
        slot.opener = null;
        const socket = args[1];
        if (args[0] === null && socket && opener !== null && !isPreopened?.(socket as Socket)) opener.onConnectionOpened?.(performance.now() - startMs);
        callback(...args);
      });
    };
    slot.client = new Client(this.origin, { ...this.options, connect: timedConnect });
    slot.client.on('drain', () => this.release(slot));
    slot.client.on('connect', () => (slot.connected = true));
    slot.client.on('disconnect', () => (slot.connected = false));
    slot.client.on('connectionError', () => (slot.connected = false));
    this.slots.push(slot);
    return slot;
  }

  /** A connection is free: it takes the oldest waiting request, or goes back on the stack. */
  private release(slot: Slot): void {
    if (slot.free || this.ended) return;
    if (this.head < this.waiting.length) {
      const [options, handler] = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      }
      this.send(slot, options, handler);
      return;
    }
    slot.free = true;
    this.free.push(slot);
  }

  /** Ends every connection (destroy: at once, failing what is in flight; else after in-flight requests finish). */
  async end(destroy: boolean): Promise<void> {
    this.ended = true;
    const waiting = this.waiting.splice(this.head);
    this.head = 0;
    for (const entry of waiting) entry?.[1].onError?.(endedError());
    await Promise.all(this.slots.map((slot) => (destroy ? slot.client.destroy() : slot.client.close()).catch(() => {})));
  }
}

/** What a request still waiting for a connection gets when the run ends (classified as cancelled by its code). */
function endedError(): Error {
  return Object.assign(new Error('the run ended before a connection was free'), { code: 'UND_ERR_DESTROYED' });
}
