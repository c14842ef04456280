// The connection pool a run sends through: one undici Client per connection, free ones handed out from a stack.
import { Client, Dispatcher } from 'undici';

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
      pool = new OriginPool(origin, this.connections, this.clientOptions);
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
    // false: the connection is busy until its 'drain' (always, with pipelining 1, once it holds the request). A
    // request undici refused at once (it called handler.onError) leaves the connection empty: free it now.
    if (slot.client.dispatch(options, handler) || slot.client.stats.size === 0) this.release(slot);
  }

  private add(): Slot {
    const slot: Slot = { client: new Client(this.origin, this.options), free: false };
    slot.client.on('drain', () => this.release(slot));
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
