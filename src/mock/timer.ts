// One shared timer for every stream: a binary min-heap of due times driven by a single setTimeout.
//
// Why: a setTimeout per stream per token costs a timer object each time and thousands of them crowd the
// event loop; one heap and one re-armed timeout hold 10,000 streams. The callback runs every item due
// within EARLY_MS of now, so events are written as close to their schedule as libuv's 1 ms timer allows.
import { performance } from 'node:perf_hooks';
import { MinHeap } from './min-heap.js';

/** Anything the timer can hold: a due time (performance.now() ms) and an insertion order for ties. */
export interface Timed {
  dueMs: number;
  /** Set by the timer; orders items with equal due times (FIFO), keeping runs deterministic. */
  timerSeq: number;
}

/** Items due within this many ms are run now rather than after another timer round trip. */
const EARLY_MS = 0.25;

export class SharedTimer<T extends Timed> {
  private readonly heap = new MinHeap<T>((a, b) => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.timerSeq < b.timerSeq));
  private seq = 0;
  private handle: NodeJS.Timeout | null = null;
  private armedForMs = Infinity;
  private closed = false;
  private firing = false;
  private reported = false;

  /** `run` is called once per due item with the time it ran; it may schedule items again. */
  constructor(private readonly run: (item: T, nowMs: number) => void) {}

  get size(): number {
    return this.heap.size;
  }

  schedule(item: T): void {
    if (this.closed) return;
    item.timerSeq = this.seq++;
    this.heap.push(item);
    // While firing, the loop re-arms once at its end instead of once per rescheduled item.
    if (!this.firing && item.dueMs < this.armedForMs) this.arm();
  }

  /** Stops the timer and forgets every item. */
  close(): void {
    this.closed = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.heap.clear();
  }

  private arm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.armedForMs = Infinity;
    const next = this.heap.peek();
    if (this.closed || next === undefined) return;
    const dueMs = next.dueMs;
    const delayMs = Math.max(0, Math.round(dueMs - performance.now()));
    this.armedForMs = dueMs;
    this.handle = setTimeout(this.fire, delayMs);
  }

  private readonly fire = (): void => {
    this.handle = null;
    this.armedForMs = Infinity;
    // Keep draining while items fall due; re-read the clock per item so lag is measured honestly.
    let nowMs = performance.now();
    // Guard against starving I/O: at most this many items per turn, then yield to the loop (timer 0).
    let budget = 5000;
    this.firing = true;
    try {
      while (this.heap.size > 0 && this.heap.peek()!.dueMs <= nowMs + EARLY_MS && budget-- > 0) {
        const item = this.heap.pop();
        try {
          this.run(item, nowMs);
        } catch (err) {
          // One response's bug must not stop every other stream's clock; say so once, keep going.
          if (!this.reported) process.stderr.write(`llmperf mock: internal error in a stream: ${(err as Error).stack ?? String(err)}\n`);
          this.reported = true;
        }
        nowMs = performance.now();
      }
    } finally {
      this.firing = false;
    }
    this.arm();
  };
}
