// llmperf's public API: everything the CLI does, as typed functions that take plain options and return plain documents.
//
// The CLI (src/cli) is a thin layer over these: it parses flags into the same options, prints, and maps
// errors to exit codes. Errors carry stable codes: `UsageError` (`LLMPERF_USAGE`, bad options, thrown
// before anything is sent) and `TargetError` (`LLMPERF_TARGET`, the server cannot be used at all).

// Load tests
export { runLoad } from './api/run-load.js';
export { resolveRunOptions, type RunOptions, type Duration, type TokenLength } from './api/options.js';
export type { RunHooks, RunProgress } from './run/hooks.js';
export { sweep, type SweepOptions, type StageHooks } from './api/sweep.js';
export { findCapacity, type CapacityOptions } from './api/capacity.js';

// Results
export { loadResult, compareResults, mergeResults, writeReports, type CompareOptions, type MergeOptions, type MergedResult, type ResultInput, type LoadedResult } from './api/results.js';
export type { ResultDocument, Summary, DistributionSummary, DistributionKey, RequestRecord } from './metrics/schema.js';
export type { Breakdown, BreakdownEntry } from './metrics/breakdown.js';
export type { Comparison, CompareRow } from './metrics/compare.js';
export type { SloOutcome } from './metrics/slo.js';
export type { ReportFormat } from './report/formats.js';
export type { SweepDocument, CapacityDocument } from './capacity/index.js';
export type { StageResult } from './capacity/stages.js';
export type { CapacityStage } from './capacity/capacity.js';

// Eval and arena
export { evaluate, runArena, ARENA_EXAMPLE, ARENA_PEER_EXAMPLE, type EvalOptions, type ArenaOptions } from './api/eval.js';
export type { EvalDocument } from './eval/runner.js';
export type { ArenaDocument } from './eval/arena/run.js';

// The built-in simulator
export { startMockServer, MOCK_DEFAULTS, type MockServer, type MockOptions, type MockStats } from './mock/index.js';

// Errors and exit codes
export { UsageError, TargetError, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE, EXIT_RUNTIME, EXIT_INTERRUPTED } from './errors.js';
