// Workload: where prompts, token counts and arrival times come from.
export { loadPromptFile, syntheticPrompts, fromText, fromMessages, DEFAULT_PROMPTS_FILE } from './prompts.js';
export type { Prompt, PromptImage, ChatMessage } from './prompts.js';
export { attachSyntheticImages, drawImage, imageSpec, parseImageSizes, syntheticImagePool, type SyntheticImageSpec } from './images/index.js';
export { arrivalSchedule, arrivalStream, arrivalProcess, poissonSchedule, ARRIVAL_KINDS, ARRIVAL_KIND_NAMES, type NextArrival } from './arrivals.js';
export type { ArrivalKind, ArrivalOptions, ArrivalProcess, ScheduleSpec } from './arrivals.js';
export { seededRandom, exponential, gammaVariate, standardNormal } from './random.js';
export { estimateTokens, estimateTokensFromChars, CHARS_PER_TOKEN } from './tokens.js';
export { APPROX_COUNTER, hubCacheDir, loadTokenizer, resolveTokenizerPath, tokenCounter, type TokenCounter } from './tokenizer.js';
export { describeLength, parseLengthSpec, sampleLength, type LengthSpec } from './lengths.js';
export { DATASET_KINDS, FILE_DATASETS, loadWorkload, randomPrompts, samplePath } from './datasets/index.js';
export type { DatasetKind, DatasetLoad, RandomDatasetOptions, Workload, WorkloadOptions } from './datasets/index.js';
export { Conversation } from './conversation.js';
export { WorkloadStats, workloadSummary, type InputCountComparison, type OutputLengthComparison, type WorkloadCounters } from './summary.js';
export { addWorkloadOptions, workloadPlan, type WorkloadFlags, type WorkloadPlanFields } from './options.js';
