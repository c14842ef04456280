// Users thinking between turns (--think-time): pauses timed from a reply's end, never cut short, recorded apart from latency.
import { performance } from 'node:perf_hooks';
import { drawThinkMs, type ThinkTimeSpec } from '../workload/think-time.js';
import type { RequestState } from './request-state.js';

/** The pauses in progress of one engine thread; each holds its user's scheduler slot until it ends. */
export class ThinkingUsers {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly spec: ThinkTimeSpec,
    private readonly seed: number,
    private readonly recorder: { recordThinkMs(pauseMs: number): void },
  ) {}

  /**
   * Starts the pause after `ended`'s reply, timed from the reply's end (when its reader could start reading), not
   * from now; `next` runs when it is over, and the pause is recorded as think time, never as any request's time.
   * Returns false, starting nothing, when the pause would end at or after `deadlineMs`: no send would follow it.
   */
  start(ended: RequestState, recordedMs: number | undefined, deadlineMs: number, next: () => void): boolean {
    const fromMs = Number.isNaN(ended.endMs) ? performance.now() : ended.endMs;
    const dueMs = fromMs + drawThinkMs(this.spec, this.seed, ended.index, recordedMs);
    if (dueMs >= deadlineMs) return false;
    this.wait(fromMs, dueMs, next);
    return true;
  }

  /**
   * Node's timers count from the event loop's cached clock, which lags within a busy loop turn, so a timer can
   * fire a few ms early: it is armed again for the rest, and no pause is shorter than drawn.
   */
  private wait(fromMs: number, dueMs: number, next: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const nowMs = performance.now();
      if (nowMs < dueMs) return this.wait(fromMs, dueMs, next);
      this.recorder.recordThinkMs(nowMs - fromMs);
      next();
    }, Math.max(0, Math.ceil(dueMs - performance.now())));
    this.timers.add(timer);
  }

  /** Stopping: every pause ends now without its send; `onEnded` runs once for each (its slot is given back). */
  endAll(onEnded: () => void): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
      onEnded();
    }
    this.timers.clear();
  }
}
