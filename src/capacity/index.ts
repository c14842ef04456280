// Capacity planning: sweeps, the knee, the capacity search and replica sizing.
export { runSweep, sweepKnee, SWEEP_SCHEMA, type SweepDocument, type SweepOptions } from './sweep.js';
export { findCapacity, sloMargin, CAPACITY_SCHEMA, type CapacityDocument, type CapacityOptions } from './capacity.js';
export { searchCapacity, replicasFor, type Probe, type SearchOptions, type SearchOutcome } from './search.js';
export { findKnee, type CurvePoint } from './knee.js';
export { stageTable, writeStageReport } from './report.js';
export { sweepCharts } from './charts.js';
export { StageRunner, stageRecord, type LoadAxis, type StageIsolation, type StageResult } from './stages.js';
export { StagePrompts, stageSeed, expectedRequests, type PromptGenerator, type StagePromptInfo } from './prompts.js';
export { judgeStage, achievedRate, stageTrend, type Sustain, type StageTrend } from './sustain.js';
export { resetCache, resetUrl, parseResetPath, type CacheReset } from './reset-cache.js';
