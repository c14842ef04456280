// Arrival schedules for open-loop runs, computed up front on an absolute timeline; kinds are looked up by name.
import { UsageError } from '../errors.js';
import { constant } from './arrival-kinds/constant.js';
import { gamma } from './arrival-kinds/gamma.js';
import { poisson } from './arrival-kinds/poisson.js';
import type { ArrivalFactory, ArrivalProcess } from './arrival-kinds/types.js';
import { seededRandom } from './random.js';

export type { ArrivalOptions, ArrivalProcess } from './arrival-kinds/types.js';

/** Every arrival kind, by the name `--arrival` takes. */
export const ARRIVAL_KINDS: Readonly<Record<string, ArrivalFactory>> = Object.freeze({ poisson, constant, gamma });
export type ArrivalKind = 'poisson' | 'constant' | 'gamma';
export const ARRIVAL_KIND_NAMES = Object.keys(ARRIVAL_KINDS) as ArrivalKind[];

export function arrivalProcess(kind: string, burstiness = 1): ArrivalProcess {
  const factory = ARRIVAL_KINDS[kind];
  if (!factory) throw new UsageError(`--arrival ${kind}: must be one of ${ARRIVAL_KIND_NAMES.join(', ')}`);
  if (!(burstiness > 0) || !Number.isFinite(burstiness)) throw new UsageError(`--burstiness ${burstiness}: must be a number greater than zero`);
  return factory({ burstiness });
}

export interface ScheduleSpec {
  kind: ArrivalKind;
  ratePerS: number;
  /** Arrivals to schedule at most (Infinity: bounded by the duration only). */
  count: number;
  durationMs: number;
  seed: number;
  burstiness?: number;
  /** The rate grows linearly from 0 to `ratePerS` over this long (0: full rate from the start). */
  rampUpMs?: number;
}

/**
 * Intended send offsets in ms from the run start. Offsets are absolute, so a late timer never shifts
 * later arrivals (sleeping a fresh gap after each send drifts below the asked rate).
 *
 * Gaps are drawn in "expected arrivals" (mean 1) and mapped through the inverse of the cumulative
 * rate Λ(t): with a ramp over T ms, Λ(t) = R t²/2T before T and R T/2 + R (t - T) after. For Poisson
 * this is exactly a non-homogeneous Poisson process whose rate grows linearly; without a ramp t = u/R.
 * The first request goes at 0. Bounded by `count` and by `durationMs`, whichever ends first.
 */
export function arrivalSchedule(spec: ScheduleSpec): Float64Array {
  const process = arrivalProcess(spec.kind, spec.burstiness ?? 1);
  const random = seededRandom(spec.seed ^ 0x9e3779b9);
  const ratePerMs = spec.ratePerS / 1000;
  const rampMs = spec.rampUpMs ?? 0;
  const rampArrivals = (ratePerMs * rampMs) / 2;
  const timeOf = (u: number) =>
    u < rampArrivals ? Math.sqrt((2 * rampMs * u) / ratePerMs) : rampMs + (u - rampArrivals) / ratePerMs;
  const expected = rampArrivals + ratePerMs * Math.max(0, spec.durationMs - rampMs);
  const limit = Number.isFinite(spec.count) ? spec.count : Math.ceil(expected * 1.5 + 100);
  const offsets = new Float64Array(limit);
  let u = 0;
  let at = 0;
  let n = 0;
  while (n < limit && at <= spec.durationMs) {
    offsets[n++] = at;
    u += process.nextGap(random);
    at = timeOf(u);
  }
  return offsets.subarray(0, n);
}

/** Poisson arrivals at `ratePerS` (kept for callers that need nothing else). */
export function poissonSchedule(ratePerS: number, count: number, durationMs: number, seed: number): Float64Array {
  return arrivalSchedule({ kind: 'poisson', ratePerS, count, durationMs, seed });
}
