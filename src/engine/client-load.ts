// Measures how loaded the client's own thread was during a run: event-loop delay and utilisation.
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** The delay monitor's timer period; every sample includes it, so it is subtracted from what is reported. */
const RESOLUTION_MS = 10;

export interface ClientLoad {
  /** How late the loop ran a due timer, beyond its period (ms): how late a chunk's timestamp can be. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Share of the run's wall time this thread's loop was busy (0..1): near 1 means it had no spare CPU. */
  eventLoopUtilization: number;
  /**
   * Cores the whole machine left idle, on average over the run (os.cpus() idle time / wall time): whether another
   * engine thread would find a core of its own. null where the platform reports no per-core times.
   */
  freeCores: number | null;
}

/** Idle milliseconds summed over every core, from the kernel's per-core counters (read twice per run, never per event). */
function idleMs(): number | null {
  const all = cpus();
  if (all.length === 0) return null;
  let total = 0;
  for (const cpu of all) total += cpu.times.idle;
  return total;
}

export interface ClientLoadMonitor {
  stop(): ClientLoad;
}

/** Starts measuring this thread; both measures are per thread, so each engine worker measures its own. */
export function startClientLoadMonitor(): ClientLoadMonitor {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const eluStart = performance.eventLoopUtilization();
  const idleStartMs = idleMs();
  const startMs = performance.now();
  return {
    stop() {
      delay.disable();
      const utilization = performance.eventLoopUtilization(eluStart).utilization;
      const idleEndMs = idleMs();
      const wallMs = performance.now() - startMs;
      // The counters tick in 10 ms steps: a run shorter than ~half a second says too little to judge by.
      const freeCores = idleStartMs === null || idleEndMs === null || wallMs < 500 ? null : Math.round(Math.max(0, (idleEndMs - idleStartMs) / wallMs) * 100) / 100;
      const excessMs = (ns: number) => (Number.isFinite(ns) && ns > 0 ? Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000) / 1000) : 0);
      return {
        eventLoopDelayMs: { p50: excessMs(delay.percentile(50)), p99: excessMs(delay.percentile(99)), max: excessMs(delay.max) },
        eventLoopUtilization: Math.round(utilization * 1000) / 1000,
        freeCores,
      };
    },
  };
}
