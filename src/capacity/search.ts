// The capacity search: bracket the highest load that meets the SLOs with growing loads, then bisect.

/** What one measurement at a load says. `margin` is the smallest relative distance of any SLO to its threshold. */
export interface Probe {
  load: number;
  passed: boolean;
  margin: number;
  /**
   * The load the stage actually applied, when it differs from the one asked: random arrivals offer a stage
   * at 55 req/s more or less than 55. The search brackets and answers on these, so a pass proves only what
   * was offered, and a failure counts where it happened.
   */
  offered?: number;
}

export interface SearchOptions {
  /** First load to try (1 request/s, or concurrency 1). */
  start: number;
  /** Stop when (high - low) / low is at most this (0.1 = 10%). */
  precision: number;
  /** Whole numbers only (concurrency). */
  integer: boolean;
  /** Highest load ever tried. */
  maxLoad: number;
  /** Wall-clock budget; the search stops with its current interval when it runs out. */
  deadlineMs: number;
  /** Measurements this close to a threshold (relative) are repeated once; the load passes only if both pass. */
  closeCallMargin: number;
  now?: () => number;
}

export interface SearchOutcome {
  /** Highest load that met every SLO (0 when even the start failed). */
  value: number;
  interval: [number, number];
  probes: Probe[];
  /** Why the search ended. */
  ended: 'precision' | 'budget' | 'max-load' | 'start-failed';
}

/**
 * Brackets by doubling from `start` until a load fails, then bisects between the highest passing
 * and the lowest failing load. A close call is measured again, so one noisy stage cannot move the
 * answer; the result is conservative (a load must pass every time it is measured).
 */
export async function searchCapacity(measure: (load: number) => Promise<Probe>, options: SearchOptions): Promise<SearchOutcome> {
  const now = options.now ?? Date.now;
  const probes: Probe[] = [];
  const outOfTime = () => now() >= options.deadlineMs;
  const applied = (probe: Probe) => probe.offered ?? probe.load;
  /** Whether `load` passes, and the load that verdict is about (the lower offered load of two passes). */
  const tryLoad = async (load: number): Promise<{ passed: boolean; at: number }> => {
    const first = await measure(load);
    probes.push(first);
    if (!first.passed || first.margin >= options.closeCallMargin || outOfTime()) return { passed: first.passed, at: applied(first) };
    const second = await measure(load);
    probes.push(second);
    return { passed: second.passed, at: second.passed ? Math.min(applied(first), applied(second)) : applied(second) };
  };
  const round = (x: number) => (options.integer ? Math.max(1, Math.round(x)) : x);

  let low = 0;
  let high = Infinity;
  let load = round(options.start);
  // Bracket: double until a load fails.
  // A pass or a failure counts at the load actually applied; evidence against the order (a failure at or below
  // a pass) closes the interval at the pass, the conservative reading.
  const failAt = (at: number) => {
    high = Math.max(at, low);
  };
  while (high === Infinity) {
    const { passed, at } = await tryLoad(load);
    if (passed) {
      low = Math.max(low, at);
      if (load >= options.maxLoad) return { value: low, interval: [low, low], probes, ended: 'max-load' };
      load = Math.min(options.maxLoad, round(Math.max(load, at) * 2));
    } else {
      failAt(at);
    }
    if (outOfTime()) return { value: low, interval: [low, high], probes, ended: 'budget' };
  }
  if (low === 0) return { value: 0, interval: [0, high], probes, ended: 'start-failed' };
  // Bisect until the interval is narrow enough.
  const narrowEnough = () => (high - low) / low <= options.precision || (options.integer && high - low <= 1);
  while (!narrowEnough()) {
    if (outOfTime()) return { value: low, interval: [low, high], probes, ended: 'budget' };
    const middle = options.integer ? Math.floor((low + high) / 2) : Number(((low + high) / 2).toFixed(3));
    const { passed, at } = await tryLoad(middle);
    // A pass that offered no more than the current answer teaches nothing; the next try (a new stage seed) will.
    if (passed) low = Math.max(low, Math.min(at, high));
    else failAt(at);
  }
  return { value: low, interval: [low, high], probes, ended: 'precision' };
}

/** Replicas needed to serve `targetRate` with each replica run at (1 - headroom) of its measured capacity. */
export function replicasFor(targetRate: number, capacityRate: number, headroom: number): number {
  if (!(capacityRate > 0)) return Infinity;
  return Math.ceil(targetRate / (capacityRate * (1 - headroom)) - 1e-9);
}
