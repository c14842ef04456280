// Capacity planning: sweeps, the knee, the capacity search and replica sizing.
export { runSweep, sweepKnee, SWEEP_SCHEMA, type SweepDocument, type SweepOptions } from './sweep.js';
export { findCapacity, sloMargin, CAPACITY_SCHEMA, type CapacityDocument, type CapacityOptions } from './capacity.js';
export { searchCapacity, replicasFor, type Probe, type SearchOptions, type SearchOutcome } from './search.js';
export { findKnee, type CurvePoint } from './knee.js';
export { stageTable, writeStageReport } from './report.js';
export { sweepCharts } from './charts.js';
export type { LoadAxis, StageResult } from './stages.js';
