// Deliberate cancellation (--cancel-rate, --cancel-after): which requests a simulated user abandons, and when.
import { codedError } from './dispatcher.js';
import { unitHash } from '../util/random.js';

/** What a run is told: abort this share of requests this long after they were sent. */
export interface CancelPlan {
  /** Share of requests (0..1) chosen, by a seeded draw per request index. */
  rate: number;
  /** Abort this long after the send, if still running (a request that ended before is not cancelled). */
  afterMs: number;
}

/**
 * Whether request `index` is one a user abandons: a hash of seed and index against the rate, so the same seed
 * chooses the same requests with any number of --workers (the choice does not depend on send order).
 */
export function chosenForCancel(seed: number, index: number, rate: number): boolean {
  return rate > 0 && unitHash(seed, index) < rate;
}

/** The abort reason: classified as `cancelled_by_design`, counted apart from failures and interruptions. */
export const cancelledByDesignError = (afterMs: number): Error => codedError('LLMPERF_CANCELLED_BY_DESIGN', `cancelled on purpose after ${afterMs} ms (--cancel-after)`);
