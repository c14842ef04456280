// Decides when each request is sent: closed loop (N in flight) or open loop (an arrival schedule with a cap).
import { performance } from 'node:perf_hooks';
import { createHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import { ArrivalSeries } from './arrival-series.js';

/** What the scheduler asks of the run: send request `index`, intended at `intendedMs` (NaN in closed loop). */
export type Launch = (index: number, intendedMs: number) => void;

export interface Scheduler {
  /** Starts sending; `onIdle` fires once when nothing is in flight and nothing more will be sent. */
  start(onIdle: () => void): void;
  /** A request ended: the scheduler may send the next one. */
  requestEnded(): void;
  /** Stop sending new requests (interruption or deadline). */
  stop(): void;
  readonly inFlight: number;
  /** Timer lateness of open-loop arrivals (µs), the client's own scheduling delay. */
  readonly scheduleLagUs: Histogram | null;
  /** Open loop: arrivals per time bucket, as scheduled and as sent (null in a closed loop). */
  readonly arrivals: ArrivalSeries | null;
}

/**
 * Closed loop: exactly `concurrency` requests in flight until `total` are sent or the deadline passes.
 * With `rampUpMs`, the allowed concurrency grows linearly from 1 to `concurrency` over that time.
 */
export class ClosedLoop implements Scheduler {
  private next = 0;
  private active = 0;
  private stopped = false;
  private onIdle: () => void = () => {};
  private deadlineMs = Infinity;
  private startMs = 0;
  private rampTimer: NodeJS.Timeout | null = null;
  readonly scheduleLagUs = null;
  readonly arrivals = null;

  constructor(
    private readonly concurrency: number,
    private readonly total: number,
    private readonly durationMs: number | null,
    private readonly launch: Launch,
    private readonly rampUpMs = 0,
  ) {}

  /** Requests allowed in flight now: the full concurrency, or the ramp's share of it (at least 1). */
  private allowed(): number {
    if (this.rampUpMs <= 0) return this.concurrency;
    const share = (performance.now() - this.startMs) / this.rampUpMs;
    return share >= 1 ? this.concurrency : Math.max(1, Math.min(this.concurrency, Math.ceil(this.concurrency * share)));
  }

  private fill(): void {
    const allowed = this.allowed();
    while (this.active < allowed && !this.stopped && this.next < this.total && performance.now() < this.deadlineMs) this.sendNext();
    if (allowed >= this.concurrency || this.stopped) this.endRamp();
  }

  private endRamp(): void {
    if (this.rampTimer !== null) clearInterval(this.rampTimer);
    this.rampTimer = null;
  }

  get inFlight(): number {
    return this.active;
  }

  start(onIdle: () => void): void {
    this.onIdle = onIdle;
    this.startMs = performance.now();
    if (this.durationMs !== null) this.deadlineMs = this.startMs + this.durationMs;
    if (this.rampUpMs > 0) {
      // One step per added slot: the ramp reaches each new concurrency level on time, without a busy timer.
      this.rampTimer = setInterval(() => {
        this.fill();
        if (this.active === 0) this.onIdle();
      }, Math.max(10, this.rampUpMs / this.concurrency));
    }
    this.fill();
    if (this.active === 0) {
      this.endRamp();
      onIdle();
    }
  }

  requestEnded(): void {
    this.active--;
    this.fill();
    if (this.active === 0) {
      this.endRamp();
      this.onIdle();
    }
  }

  stop(): void {
    this.stopped = true;
    this.endRamp();
  }

  /** A slot leaves for good, not refilled: a user whose next send would fall after the deadline. */
  retire(): void {
    this.active--;
    if (this.active === 0) {
      this.endRamp();
      this.onIdle();
    }
  }

  /** Nothing more will be launched (stopped, or every request sent; the deadline is the run's to check). */
  get exhausted(): boolean {
    return this.stopped || this.next >= this.total;
  }

  private sendNext(): void {
    if (this.stopped || this.next >= this.total || performance.now() >= this.deadlineMs) return;
    this.active++;
    this.launch(this.next++, NaN);
  }
}

/** Node's timers hold at most 2^31 - 1 ms; a longer arrival gap is waited out in steps of this. */
const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

/** Arrivals made due in one timer callback at most: a burst at one instant yields to I/O between batches. */
const MAX_ARRIVALS_PER_TICK = 10_000;

/**
 * Open loop: arrivals at absolute offsets drawn one at a time from `nextOffsetMs` (Infinity: no more);
 * at most `cap` in flight. An arrival that finds the cap full waits in a FIFO, and that wait is measured
 * (queue_ms), never hidden. Only the arrivals already due are held, so memory does not grow with -n.
 */
export class OpenLoop implements Scheduler {
  private next = 0;
  private active = 0;
  private stopped = false;
  /** Due arrivals waiting for a free slot: their index and intended offset. */
  private readonly waiting: number[] = [];
  private readonly waitingOffsets: number[] = [];
  private waitingHead = 0;
  /** The next arrival not yet due (Infinity once the schedule has ended). */
  private upcomingMs: number;
  private startMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private onIdle: () => void = () => {};
  readonly scheduleLagUs: Histogram = createHistogram();
  readonly arrivals = new ArrivalSeries();

  constructor(
    private readonly nextOffsetMs: () => number,
    private readonly cap: number,
    private readonly launch: Launch,
  ) {
    this.upcomingMs = nextOffsetMs();
  }

  get inFlight(): number {
    return this.active;
  }

  start(onIdle: () => void): void {
    this.onIdle = onIdle;
    this.startMs = performance.now();
    this.tick();
  }

  requestEnded(): void {
    this.active--;
    this.drain();
    this.checkIdle();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.length = 0;
    this.waitingOffsets.length = 0;
    this.waitingHead = 0;
    this.checkIdle();
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    const elapsedMs = performance.now() - this.startMs;
    for (let n = 0; n < MAX_ARRIVALS_PER_TICK && this.upcomingMs <= elapsedMs; n++) {
      recordUs(this.scheduleLagUs, (elapsedMs - this.upcomingMs) * 1000);
      this.arrivals.scheduled(this.upcomingMs);
      this.waiting.push(this.next++);
      this.waitingOffsets.push(this.upcomingMs);
      this.upcomingMs = this.nextOffsetMs();
    }
    this.drain();
    if (this.upcomingMs !== Infinity) {
      const delayMs = this.upcomingMs - (performance.now() - this.startMs);
      this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_STEP_MS, Math.max(0, delayMs)));
    } else {
      this.checkIdle();
    }
  }

  private drain(): void {
    while (this.waitingHead < this.waiting.length && this.active < this.cap && !this.stopped) {
      const index = this.waiting[this.waitingHead];
      const offsetMs = this.waitingOffsets[this.waitingHead++];
      this.active++;
      this.arrivals.achieved(performance.now() - this.startMs);
      this.launch(index, this.startMs + offsetMs);
    }
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingOffsets.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  private checkIdle(): void {
    const nothingLeft = this.stopped || (this.upcomingMs === Infinity && this.waitingHead >= this.waiting.length);
    if (nothingLeft && this.active === 0) this.onIdle();
  }
}
