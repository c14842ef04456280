// The live progress line on a TTY: requests done of expected, errors, in flight, current throughput.
import type { RunProgress } from '../run/hooks.js';

export interface ProgressLine {
  /** Redraws the line from a run's progress snapshot (the run calls it every 250 ms). */
  update(progress: RunProgress): void;
  stop(): void;
}

/** One line on stderr; does nothing when stderr is not a TTY or in quiet mode. */
export function progressLine(enabled: boolean): ProgressLine {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) return { update() {}, stop() {} };
  let lastTokens = 0;
  let lastAtMs = 0;
  let tokensPerS = 0;
  let drawn = false;
  return {
    update(p) {
      if (p.elapsedMs - lastAtMs >= 1000) {
        tokensPerS = ((p.outputTokens - lastTokens) * 1000) / (p.elapsedMs - lastAtMs);
        lastTokens = p.outputTokens;
        lastAtMs = p.elapsedMs;
      }
      const of = p.expected === null ? '' : `/${p.expected}`;
      const line =
        `  ${p.done}${of} done, ${p.failed} errors, ${p.inFlight} in flight, ` +
        `${tokensPerS.toFixed(0)} output tok/s, ${(p.elapsedMs / 1000).toFixed(0)}s`;
      stream.write(`\r${line.padEnd(Math.min(stream.columns ?? 80, 100) - 1)}`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\r' + ' '.repeat(Math.min(stream.columns ?? 80, 100) - 1) + '\r');
      drawn = false;
    },
  };
}
