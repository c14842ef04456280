// The live progress line on a TTY: requests done of the planned end, errors, in flight, current throughput.
import type { Recorder } from '../engine/recorder.js';

export interface Progress {
  stop(): void;
}

/** What the run plans to do, so the line can say how far along it is (`12/64`, `14s of 30s`). */
export interface ProgressPlan {
  /** Requests to finish (warm-up included), or null when the run is bounded by time or turns. */
  expected: number | null;
  /** The planned sending time, or null when bounded by a count. */
  durationMs?: number | null;
  /** Prefix naming the stage of a sweep or capacity search, e.g. `stage 3/6, concurrency 16:`. */
  label?: string;
}

/**
 * The usable line width: some terminals (`script`, CI and container ptys) report 0 or no columns; a width
 * below 20 is treated as 80 so padding never goes negative (`' '.repeat(-1)` threw and lost the result).
 */
export function lineWidth(columns: number | undefined): number {
  const usable = typeof columns === 'number' && Number.isFinite(columns) && columns >= 20 ? columns : 80;
  return Math.min(usable, 100) - 1;
}

/** One progress line (no carriage return), fitted to `width` characters. */
export function progressText(
  counts: { succeeded: number; failed: number; cancelled: number; warmup: number; output_tokens: number },
  inFlight: number,
  tokensPerS: number,
  elapsedMs: number,
  plan: ProgressPlan,
  width: number,
): string {
  const done = counts.succeeded + counts.failed + counts.cancelled + counts.warmup;
  const elapsedS = (elapsedMs / 1000).toFixed(0);
  const clock = plan.durationMs ? `${elapsedS}s of ${(plan.durationMs / 1000).toFixed(0)}s` : `${elapsedS}s`;
  const of = plan.expected === null ? '' : `/${plan.expected}`;
  const label = plan.label ? `${plan.label} ` : '';
  const line =
    `  ${label}${done}${of} done, ${counts.failed} errors, ${inFlight} in flight, ` + `${tokensPerS.toFixed(0)} output tok/s, ${clock}`;
  return line.length > width ? line.slice(0, Math.max(0, width)) : line.padEnd(Math.max(0, width));
}

/**
 * Redraws one line on stderr every 250 ms; does nothing when stderr is not a TTY or when disabled.
 * Drawing never throws: a failed write to the terminal must not end a run or lose its result.
 */
export function startProgress(recorder: Pick<Recorder, 'counts' | 'currentInFlight'>, plan: ProgressPlan | number | null, enabled: boolean): Progress {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) return { stop() {} };
  const planned: ProgressPlan = typeof plan === 'object' && plan !== null ? plan : { expected: plan };
  const startedAt = Date.now();
  let lastTokens = 0;
  let lastAt = startedAt;
  let tokensPerS = 0;
  const draw = () => {
    try {
      const counts = recorder.counts;
      const now = Date.now();
      if (now - lastAt >= 1000) {
        tokensPerS = ((counts.output_tokens - lastTokens) * 1000) / (now - lastAt);
        lastTokens = counts.output_tokens;
        lastAt = now;
      }
      stream.write(`\r${progressText(counts, recorder.currentInFlight, tokensPerS, now - startedAt, planned, lineWidth(stream.columns))}`);
    } catch {
      // A terminal that cannot take the line gets none.
    }
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      try {
        stream.write('\r' + ' '.repeat(lineWidth(stream.columns)) + '\r');
      } catch {
        // As above: clearing the line is cosmetic.
      }
    },
  };
}
