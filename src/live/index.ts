// Live export of a run's metrics while it lasts: Prometheus endpoint, OTLP push and spans, GPU energy from server metrics.
export { LiveSession, type LiveDocument, type LiveRunView } from './session.js';
export { addLiveOptions, toLivePlan, DEFAULT_LIVE, otlpSignalUrl, type LiveFlags, type LivePlan } from './options.js';
export { BUCKETS_S, COUNTERS, GAUGES, HISTOGRAMS, LABELS, exportedSeriesNames } from './names.js';
export { classicBuckets, type ItlSource } from './itl-histogram.js';
