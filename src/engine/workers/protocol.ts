// Messages between the main thread and the engine's worker threads; everything crosses by structured clone.
import type { EncodedHistogram, RequestRecord } from '../../metrics/schema.js';
import type { RunTotals } from '../../metrics/summary.js';
import type { LoadConfig, RunOutcome } from '../run.js';
import type { Share } from './share.js';

/** workerData: a share of the run. `countTokens` (a function) cannot cross threads and is dropped. */
export interface WorkerInit {
  config: Omit<LoadConfig, 'countTokens'>;
  share: Share;
  /** Send every finished request's record to the main thread (for requests.csv and goodput). */
  wantRecords: boolean;
}

/** A worker's outcome with its histograms encoded: what travels back to be merged. */
export type WireOutcome = Omit<RunOutcome, 'scheduleLagUs' | 'workers'> & {
  /** The schedule-lag histogram, encoded: a live histogram cannot cross threads. */
  scheduleLag: EncodedHistogram | null;
};

export type ToWorker = { type: 'start' } | { type: 'stop'; graceMs: number; interrupted: boolean } | { type: 'cancel' };

export type FromWorker =
  | { type: 'ready' }
  /** Finished requests, batched (at most every 100 ms or 512 records) so messages never go per request. */
  | { type: 'records'; records: RequestRecord[] }
  | { type: 'progress'; totals: RunTotals; inFlight: number; streamedOutputTokens: number }
  | { type: 'done'; outcome: WireOutcome }
  | { type: 'error'; message: string };
