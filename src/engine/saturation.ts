// The client-saturation detector: says when llmperf itself, not the server, limited or delayed a run, by how much, and what to do.
import { availableParallelism } from 'node:os';
import { summarizeUs } from '../metrics/histogram.js';
import type { ClientHealth, LoopDelaySummary } from '../metrics/schema.js';
import { connectionsDocument } from './connections.js';
import type { RunOutcome } from './run.js';

/**
 * Thresholds, and why:
 * - event-loop delay (beyond the monitor's period) is how late a chunk's timestamp can be. Over 20 ms at p99
 *   the reported TTFT and ITL tails are the client's; over 5 ms it is worth a note.
 * - schedule lag p99 over 10 ms: an open-loop run could not send on time (its rate is then lower than asked).
 * - event-loop utilisation of 95%: the thread had no spare CPU; with some delay, chunks waited for it.
 * - another engine thread only helps on a core nobody else uses: --workers is advised only when the machine left at
 *   least 0.75 of a core idle on average during the run (os.cpus() idle time), and never more threads than free cores.
 */
export const SATURATION = {
  loopDelayP99Ms: 20,
  loopDelayNoteMs: 5,
  scheduleLagP99Ms: 10,
  busyUtilization: 0.95,
  noteUtilization: 0.8,
  /** Idle core-time (in cores, machine-wide, averaged over the run) below which no core counts as free for another thread. */
  freeCore: 0.75,
} as const;

/**
 * `reference` is the latency the client's delay is compared with: a number is TTFT p50; embeddings runs
 * (no tokens, so no TTFT of their own) pass `{ name: 'latency', p50Ms }`.
 */
export function clientHealth(outcome: RunOutcome, reference: number | { name: string; p50Ms: number } | null = null, cores: number = availableParallelism()): ClientHealth {
  const referenceName = reference !== null && typeof reference === 'object' ? reference.name : 'TTFT';
  const referenceP50Ms = reference !== null && typeof reference === 'object' ? reference.p50Ms : reference;
  const lag = outcome.scheduleLagUs && outcome.scheduleLagUs.totalCount > 0 ? summarizeUs(outcome.scheduleLagUs) : null;
  const lagP99Ms = lag?.p99 ?? 0;
  const loop = outcome.eventLoopDelayMs;
  const busy = outcome.eventLoopUtilization ?? null;
  const workers = outcome.workers ?? 1;
  const free = outcome.freeCores ?? null;
  const reasons: string[] = [];
  if (busy !== null && busy >= SATURATION.noteUtilization) reasons.push(`its event loop was busy ${Math.round(busy * 100)}% of the run`);
  if (loop.p99 > SATURATION.loopDelayNoteMs) reasons.push(`it ran due work up to ${loop.p99.toFixed(1)} ms late (event-loop delay p99)`);
  if (lag && lagP99Ms > SATURATION.scheduleLagP99Ms) reasons.push(`arrivals were sent up to ${lagP99Ms.toFixed(1)} ms after their schedule (p99)`);
  const saturated =
    loop.p99 > SATURATION.loopDelayP99Ms ||
    (lag !== null && lagP99Ms > SATURATION.scheduleLagP99Ms) ||
    (busy !== null && busy >= SATURATION.busyUtilization && loop.p99 > SATURATION.loopDelayNoteMs);
  let message: string | null = null;
  if (reasons.length > 0) {
    const share = referenceP50Ms !== null && referenceP50Ms > 0 && loop.p99 > 0 ? ` (${Math.round((loop.p99 / referenceP50Ms) * 100)}% of ${referenceName} p50 ${referenceP50Ms.toFixed(1)} ms)` : '';
    const impact = loop.p99 > SATURATION.loopDelayNoteMs ? `; latencies can include up to ~${loop.p99.toFixed(0)} ms of client delay${share}` : '';
    // A late loop with little work of its own was starved by other processes: more threads would not help.
    const starved = busy !== null && busy < SATURATION.noteUtilization && loop.p99 > SATURATION.loopDelayNoteMs;
    const advice = starved
      ? `its own work used only ${Math.round((busy as number) * 100)}% of its thread, so other work on this machine (other processes, or the built-in simulator and other engine threads) took the CPU: give llmperf a core to itself, or use fewer --workers`
      : workers >= cores
        ? `every core already runs an engine thread: spread the load over more machines, or lower it`
        : free !== null && free < SATURATION.freeCore
          ? `no core was free for another engine thread (${free.toFixed(2)} of ${cores} cores idle on average during the run): give llmperf a core to itself (other work, or the server, off this machine), spread the load over more machines, or lower it`
          : `rerun with --workers ${free === null ? Math.min(cores, workers * 2) : Math.min(cores, workers * 2, workers + Math.max(1, Math.floor(free)))} (${cores} cores here${free === null ? '' : `, ${free.toFixed(2)} idle on average`}), or with less load`;
    message = `${saturated ? 'the client was the bottleneck' : 'the client was near saturation'}: ${reasons.join(', ')}${impact}; ${advice}`;
  }
  return {
    event_loop_delay_ms: summaryOf(loop),
    schedule_lag_ms: lag,
    event_loop_utilization: busy,
    workers,
    saturated,
    message,
    ...(outcome.connections ? { connections: connectionsDocument(outcome.connections) } : {}),
    ...(outcome.freeCores !== undefined ? { free_cores: outcome.freeCores } : {}),
  };
}

/** The loop-delay monitor gives three numbers; the summary shape carries them, and the rest are unknown: null, never 0. */
function summaryOf(loop: RunOutcome['eventLoopDelayMs']): LoopDelaySummary {
  return { mean: null, stdev: null, min: null, p50: loop.p50, p90: null, p95: null, p99: loop.p99, p999: null, max: loop.max, count: null };
}
