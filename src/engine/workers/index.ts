// The multi-threaded engine: a run split over worker threads and merged into one outcome.
export { WorkerRun, engineWorkerUrl, type ProgressSource, type WorkerRunHooks } from './pool.js';
export { mergeOutcomes, mergeTotals, mergeHistograms, mergeTimeseries } from './merge.js';
export { resolveWorkerCount, concurrencyShare, shareCount, takeShare, globalIndex, type Share } from './share.js';
export type { WireOutcome, WorkerInit } from './protocol.js';
