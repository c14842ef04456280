// The eval part's public surface, re-exported by name.
export { runEval, runBenchmark, EVAL_SCHEMA, type EvalDocument, type BenchmarkResult, type ReviewRecord, type RunOptions, type Progress } from './runner.js';
export { generateMetric } from './mode-run.js';
export { rejectsParameter } from './run-loglikelihood.js';
export { loadBenchmarks, limitItems, shippedDataDir, type LoadedSet } from './load.js';
export { BENCHMARKS, getBenchmark, parseDatasets } from './registry.js';
export { buildAnswerKey } from './answer-key.js';
export { ResponseCache, NoCache, type CachedResponse } from './cache.js';
export { renderScoreTable } from './table.js';
export { renderEvalHtml, escapeHtml } from './report.js';
export { runPython, prepareSandbox, CODE_EXECUTION_REFUSAL, type SandboxMode, type SandboxOptions, type SandboxResult } from './sandbox.js';
export { loglikelihoodJob, parseLogprobs, continuationLogprob, detectOffsetUnit, serverTokenCount, type TokenLogprobs, type OffsetUnit } from './loglikelihood.js';
export * from './extract.js';
export { latexEquivalent, normalizeLatex } from './latex.js';
export { readRecords, type SourcedRecord } from './records.js';
export * from './metrics/index.js';
export type { Benchmark, EvalItem, EvalMode, SampleScore, SimAnswer, ChatMessage } from './types.js';
