// How a caller follows and steers a run: progress snapshots, notices, and abort signals instead of process signals.
import type { Recorder } from '../engine/recorder.js';

/** A run's progress, as the live progress line shows it. */
export interface RunProgress {
  /** Requests ended (succeeded, failed, cancelled; warm-up included). */
  done: number;
  /** Requests the run will send (warm-up included); null for a `duration` run or multi-turn conversations. */
  expected: number | null;
  failed: number;
  inFlight: number;
  /** Output tokens received so far, counted as packages arrive (usage-corrected as each request ends), so a steady server shows a steady rate. */
  outputTokens: number;
  elapsedMs: number;
}

/** Optional callbacks and signals for a run. */
export interface RunHooks {
  /** Aborting it stops sending; requests in flight get the grace period (`grace`), then are cancelled. The result says `"interrupted": true`. */
  signal?: AbortSignal;
  /** Aborting it cancels every request in flight at once (a second Ctrl-C in the CLI). */
  cancelSignal?: AbortSignal;
  /** Called about every `progressIntervalMs` (default 250) while requests are being sent. */
  onProgress?: (progress: RunProgress) => void;
  progressIntervalMs?: number;
  /** Messages a user of the run would want to read (the simulator's URL, late shard starts...); one line each. */
  onNotice?: (message: string) => void;
}

interface Steerable {
  readonly recorder: Pick<Recorder, 'counts' | 'currentInFlight' | 'streamedOutputTokens'>;
  stop(graceMs: number): void;
  cancelAll(): void;
}

/** Connects a started run to the hooks; `stop()` disconnects them. */
export function watchProgress(run: Steerable, expected: number | null, graceMs: number, hooks: RunHooks): { stop: () => void } {
  const startedAt = performance.now();
  const onStop = () => run.stop(graceMs);
  const onCancel = () => run.cancelAll();
  // Already aborted: stop at once (after the run has started, so the result is still written).
  if (hooks.signal?.aborted) queueMicrotask(onStop);
  else hooks.signal?.addEventListener('abort', onStop, { once: true });
  if (hooks.cancelSignal?.aborted) queueMicrotask(onCancel);
  else hooks.cancelSignal?.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | null = null;
  if (hooks.onProgress) {
    const report = hooks.onProgress;
    timer = setInterval(() => {
      const counts = run.recorder.counts;
      report({
        done: counts.succeeded + counts.failed + counts.cancelled + counts.warmup,
        expected,
        failed: counts.failed,
        inFlight: run.recorder.currentInFlight,
        outputTokens: run.recorder.streamedOutputTokens,
        elapsedMs: performance.now() - startedAt,
      });
    }, hooks.progressIntervalMs ?? 250);
    timer.unref();
  }
  return {
    stop() {
      if (timer) clearInterval(timer);
      hooks.signal?.removeEventListener('abort', onStop);
      hooks.cancelSignal?.removeEventListener('abort', onCancel);
    },
  };
}
