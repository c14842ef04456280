// How a run is split between worker threads: disjoint request indexes, and a share of the concurrency.
import { UsageError } from '../../errors.js';

/** Worker k of n sends global request indexes offset, offset + step, offset + 2 * step... */
export interface Share {
  offset: number;
  step: number;
}

/** How many of the global indexes [0, total) fall in a share. */
export function shareCount(total: number, share: Share): number {
  if (!Number.isFinite(total)) return total;
  return total > share.offset ? Math.ceil((total - share.offset) / share.step) : 0;
}

/** The global index of a share's `local`-th request. */
export const globalIndex = (share: Share, local: number): number => share.offset + local * share.step;

/**
 * A share of an arrival schedule computed once for the whole run: the merged arrivals of all workers are
 * exactly the single-thread schedule (same seed, same offsets), only sent from n threads.
 */
export function takeShare(offsetsMs: Float64Array, share: Share): Float64Array {
  const out = new Float64Array(shareCount(offsetsMs.length, share));
  for (let i = 0; i < out.length; i++) out[i] = offsetsMs[globalIndex(share, i)];
  return out;
}

/**
 * The same share of a lazily drawn schedule: every worker draws the whole sequence (a few arithmetic
 * operations per arrival) and keeps its own indexes, so memory does not grow with the request count.
 */
export function shareOfStream(next: () => number, share: Share): () => number {
  let first = true;
  return () => {
    const skip = first ? share.offset : share.step - 1;
    first = false;
    for (let i = 0; i < skip; i++) if (next() === Infinity) return Infinity;
    return next();
  };
}

/** Worker k's part of `concurrency` (parts differ by at most one and sum to the whole). */
export function concurrencyShare(concurrency: number, workers: number, k: number): number {
  return Math.floor(concurrency / workers) + (k < concurrency % workers ? 1 : 0);
}

/**
 * Parses `--workers N|auto`: auto is the cores this process may use. Never more workers than requests
 * in flight, so every worker has at least one.
 */
export function resolveWorkerCount(text: string, availableCores: number): number {
  if (text === 'auto') return Math.max(1, availableCores);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new UsageError(`--workers ${text}: expected a whole number from 1 to 256, or auto (one per core)`);
  }
  return Number(text);
}
