// Arrival schedules for open-loop runs, computed up front on an absolute timeline.
import { exponential, seededRandom } from './random.js';

/**
 * Poisson arrivals at `ratePerS`: returns intended send offsets in ms from the run start.
 * Offsets are absolute, so a late timer never shifts later arrivals (sleeping a fresh gap after
 * each send drifts below the asked rate). Bounded by `count` and by `durationMs`, whichever ends first.
 */
export function poissonSchedule(ratePerS: number, count: number, durationMs: number, seed: number): Float64Array {
  const random = seededRandom(seed ^ 0x9e3779b9);
  const meanGapMs = 1000 / ratePerS;
  const limit = Number.isFinite(count) ? count : Math.ceil((durationMs / meanGapMs) * 1.5 + 100);
  const offsets = new Float64Array(limit);
  let at = 0;
  let n = 0;
  // The first request goes at once; each later one after an exponential gap.
  while (n < limit && at <= durationMs) {
    offsets[n++] = at;
    at += exponential(random, meanGapMs);
  }
  return offsets.subarray(0, n);
}
