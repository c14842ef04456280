// The serving-engine model: slots, a FIFO queue, prefill then paced decoding on one shared timer.
// Formulas live in capacity.ts; this file applies them event by event.
import { itlEffectiveMs } from './capacity.js';
import type { MockConfig } from './options.js';
import type { StatsCollector } from './stats.js';
import { SharedTimer, type Timed } from './timer.js';

const QUEUED = 0;
const ACTIVE = 1;
const DONE = 2;

/** One response being generated. The HTTP side implements the two write hooks. */
export interface Sequence extends Timed {
  /** Tokens to emit in total (reasoning + content); 0 = only the prefill time (embeddings, echo scoring). */
  totalTokens: number;
  /** Tokens emitted so far. */
  emitted: number;
  /** 0 queued, 1 active, 2 done (internal). */
  state: number;
  /** Prefill time of this request when it differs from the configured TTFT (a prefix-cache hit); absent: ttftMs. */
  prefillMs?: number;
  /** performance.now() ms when the sequence got its slot. */
  admittedMs: number;
  /**
   * Writes tokens `index` .. `index + count - 1` (0-based) as one stream event; `nowMs` is when it was written,
   * `dueMs` when it was scheduled. `count` is 1 unless the sequence decodes speculatively.
   */
  writeToken(index: number, nowMs: number, count: number): void;
  /** Speculative decoding: how many tokens the next step emits (1..remaining); absent = one token a step. */
  stepTokens?(emitted: number, remaining: number): number;
  /** Writes the end of the response; called once, right after the last token. */
  finish(nowMs: number): void;
}

/** A FIFO of waiting sequences; cancelled entries are skipped lazily when dequeued. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  push(x: T): void {
    this.items.push(x);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the dead prefix dominates, keeping shift O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

export class Simulation {
  private active = 0;
  private queued = 0;
  private readonly queue = new Fifo<Sequence>();
  private readonly timer: SharedTimer<Sequence>;

  constructor(
    private readonly config: MockConfig,
    private readonly stats: StatsCollector,
  ) {
    this.timer = new SharedTimer<Sequence>((seq, nowMs) => this.onDue(seq, nowMs));
  }

  /** A new sequence arrives at `nowMs`: take a free slot or wait in line. */
  submit(seq: Sequence, nowMs: number): void {
    seq.emitted = 0;
    if (this.active < this.config.slots) this.admit(seq, nowMs);
    else {
      seq.state = QUEUED;
      this.queued++;
      this.queue.push(seq);
    }
    this.stats.setActive(this.active, this.queued);
  }

  /** The client went away: free its slot (or its place in line) at once. */
  cancel(seq: Sequence, nowMs: number): void {
    if (seq.state === ACTIVE) {
      seq.state = DONE;
      this.active--;
      this.admitWaiting(nowMs);
    } else if (seq.state === QUEUED) {
      seq.state = DONE;
      this.queued--;
    }
    this.stats.setActive(this.active, this.queued);
  }

  /** Stops the timer; sequences still running are left to the caller to close. */
  close(): void {
    this.timer.close();
  }

  private admit(seq: Sequence, atMs: number): void {
    seq.state = ACTIVE;
    seq.admittedMs = atMs;
    seq.dueMs = atMs + (seq.prefillMs ?? this.config.ttftMs);
    this.active++;
    this.timer.schedule(seq);
  }

  private admitWaiting(atMs: number): void {
    while (this.active < this.config.slots && this.queued > 0) {
      const next = this.queue.shift();
      if (next === undefined) break;
      if (next.state !== QUEUED) continue;
      this.queued--;
      this.admit(next, atMs);
    }
  }

  private onDue(seq: Sequence, nowMs: number): void {
    if (seq.state !== ACTIVE) return;
    this.stats.recordLag(nowMs - seq.dueMs);
    if (seq.emitted < seq.totalTokens) {
      const count = seq.stepTokens ? seq.stepTokens(seq.emitted, seq.totalTokens - seq.emitted) : 1;
      seq.writeToken(seq.emitted, nowMs, count);
      seq.emitted += count;
      // The write may have ended the sequence (an injected reset or stall called cancel): not a token sent.
      if (seq.state !== ACTIVE) return;
      this.stats.tokensSent += count;
    }
    if (seq.emitted >= seq.totalTokens) {
      seq.state = DONE;
      this.active--;
      seq.finish(nowMs);
      // The slot frees at the scheduled time, so the model stays exact even when the process lags.
      this.admitWaiting(seq.dueMs);
      this.stats.setActive(this.active, this.queued);
      return;
    }
    seq.dueMs += itlEffectiveMs(this.config, this.active);
    this.timer.schedule(seq);
  }
}
