// The live progress line on a TTY: requests done of the planned end, errors, in flight, current throughput.
import type { RunProgress } from '../run/hooks.js';
import { parseDurationMs } from '../util/parse.js';

/** What the line says beside the counts: how far along a time-bounded run is, and which stage it is in. */
export interface ProgressContext {
  /** The planned sending time (`14s of 30s`), or null when the run is bounded by a count (`12/64`). */
  durationMs?: number | null;
  /** Prefix naming the stage of a sweep or capacity search, e.g. `concurrency 16:`. */
  label?: string;
}

export interface ProgressLine {
  /** Redraws the line from a run's progress snapshot (the run calls it every 250 ms). */
  update(progress: RunProgress, context?: ProgressContext): void;
  stop(): void;
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
export function progressText(p: RunProgress, tokensPerS: number, context: ProgressContext, width: number): string {
  const elapsedS = (p.elapsedMs / 1000).toFixed(0);
  const clock = context.durationMs ? `${elapsedS}s of ${(context.durationMs / 1000).toFixed(0)}s` : `${elapsedS}s`;
  const of = p.expected === null ? '' : `/${p.expected}`;
  const label = context.label ? `${context.label} ` : '';
  const line = `  ${label}${p.done}${of} done, ${p.failed} errors, ${p.inFlight} in flight, ${tokensPerS.toFixed(0)} output tok/s, ${clock}`;
  return line.length > width ? line.slice(0, Math.max(0, width)) : line.padEnd(Math.max(0, width));
}

/**
 * One line on stderr; does nothing when stderr is not a TTY or when disabled. Drawing never throws:
 * a failed write to the terminal must not end a run or lose its result.
 */
export function progressLine(enabled: boolean, defaults: ProgressContext = {}): ProgressLine {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) return { update() {}, stop() {} };
  let lastTokens = 0;
  let lastAtMs = 0;
  let tokensPerS = 0;
  let drawn = false;
  return {
    update(p, context) {
      try {
        // A new run (the next stage) starts its clock again: so does the throughput window.
        if (p.elapsedMs < lastAtMs) lastAtMs = lastTokens = tokensPerS = 0;
        if (p.elapsedMs - lastAtMs >= 1000) {
          tokensPerS = ((p.outputTokens - lastTokens) * 1000) / (p.elapsedMs - lastAtMs);
          lastTokens = p.outputTokens;
          lastAtMs = p.elapsedMs;
        }
        stream.write(`\r${progressText(p, tokensPerS, { ...defaults, ...context }, lineWidth(stream.columns))}`);
        drawn = true;
      } catch {
        // A terminal that cannot take the line gets none.
      }
    },
    stop() {
      try {
        if (drawn) stream.write('\r' + ' '.repeat(lineWidth(stream.columns)) + '\r');
      } catch {
        // As above: clearing the line is cosmetic.
      }
      drawn = false;
      lastAtMs = lastTokens = tokensPerS = 0;
    },
  };
}

/** A stage's planned length for the progress line: --duration, the default stage length when unbounded, undefined for a count. */
export function durationMsOf(flags: { duration?: string; requests?: string }, defaultStage: string): number | undefined {
  if (flags.duration === undefined && flags.requests !== undefined) return undefined;
  try {
    return parseDurationMs(flags.duration ?? defaultStage, '--duration');
  } catch {
    return undefined;
  }
}
