// The live progress line on a TTY: requests done of expected, errors, in flight, current throughput.
import type { Recorder } from '../engine/recorder.js';

export interface Progress {
  stop(): void;
}

/** Redraws one line on stderr every 250 ms; does nothing when stderr is not a TTY or in quiet mode. */
export function startProgress(recorder: Pick<Recorder, 'counts' | 'currentInFlight' | 'streamedOutputTokens'>, expected: number | null, enabled: boolean): Progress {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) return { stop() {} };
  const startedAt = Date.now();
  let lastTokens = 0;
  let lastAt = startedAt;
  let tokensPerS = 0;
  const draw = () => {
    const counts = recorder.counts;
    const now = Date.now();
    if (now - lastAt >= 1000) {
      // Counted as packages arrive, not when requests end: a steady server shows a steady rate.
      const tokens = recorder.streamedOutputTokens;
      tokensPerS = ((tokens - lastTokens) * 1000) / (now - lastAt);
      lastTokens = tokens;
      lastAt = now;
    }
    const done = counts.succeeded + counts.failed + counts.cancelled + counts.warmup;
    const of = expected === null ? '' : `/${expected}`;
    const line =
      `  ${done}${of} done, ${counts.failed} errors, ${recorder.currentInFlight} in flight, ` +
      `${tokensPerS.toFixed(0)} output tok/s, ${((now - startedAt) / 1000).toFixed(0)}s`;
    stream.write(`\r${line.padEnd(Math.min(stream.columns ?? 80, 100) - 1)}`);
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      stream.write('\r' + ' '.repeat(Math.min(stream.columns ?? 80, 100) - 1) + '\r');
    },
  };
}
