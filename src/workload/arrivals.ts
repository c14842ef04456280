// Arrival schedules for open-loop runs, drawn lazily on an absolute timeline; kinds are looked up by name.
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

/** The next arrival's intended offset in ms from the run start, or Infinity once the schedule has ended. */
export type NextArrival = () => number;

/**
 * Intended send offsets in ms from the run start, one at a time: drawn as they are needed, so memory
 * does not depend on the request count (`--rate 100 -n 1e9` used to build 8 GB of offsets up front).
 * Offsets are absolute, so a late timer never shifts later arrivals (sleeping a fresh gap after each
 * send drifts below the asked rate).
 *
 * Gaps are drawn in "expected arrivals" (mean 1) and mapped through the inverse of the cumulative
 * rate Λ(t): with a ramp over T ms, Λ(t) = R t²/2T before T and R T/2 + R (t - T) after. For Poisson
 * this is exactly a non-homogeneous Poisson process whose rate grows linearly; without a ramp t = u/R.
 * The first request goes at 0. Bounded by `count` and by `durationMs`, whichever ends first.
 */
export function arrivalStream(spec: ScheduleSpec): NextArrival {
  const process = arrivalProcess(spec.kind, spec.burstiness ?? 1);
  const random = seededRandom(spec.seed ^ 0x9e3779b9);
  const ratePerMs = spec.ratePerS / 1000;
  const rampMs = spec.rampUpMs ?? 0;
  const rampArrivals = (ratePerMs * rampMs) / 2;
  const timeOf = (u: number) =>
    u < rampArrivals ? Math.sqrt((2 * rampMs * u) / ratePerMs) : rampMs + (u - rampArrivals) / ratePerMs;
  let u = 0;
  let at = 0;
  let n = 0;
  return () => {
    if (n >= spec.count || !(at <= spec.durationMs)) return Infinity;
    const offset = at;
    n++;
    u += process.nextGap(random);
    at = timeOf(u);
    return offset;
  };
}

/** The whole schedule at once (tests and small tools; a run draws its arrivals lazily with `arrivalStream`). */
export function arrivalSchedule(spec: ScheduleSpec): Float64Array {
  const next = arrivalStream(spec);
  const offsets: number[] = [];
  for (let at = next(); at !== Infinity; at = next()) offsets.push(at);
  return Float64Array.from(offsets);
}

/** Poisson arrivals at `ratePerS` (kept for callers that need nothing else). */
export function poissonSchedule(ratePerS: number, count: number, durationMs: number, seed: number): Float64Array {
  return arrivalSchedule({ kind: 'poisson', ratePerS, count, durationMs, seed });
}
