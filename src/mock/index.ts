// The simulator's public surface, re-exported by name.
export { startMockServer, type MockServer } from './server.js';
export { startMockInWorker, workerScriptUrl } from './in-worker.js';
export { MOCK_DEFAULTS, resolveMockOptions, type MockConfig, type MockOptions } from './options.js';
export type { MockStats } from './stats.js';
export { closedLoopSteadyState, itlEffectiveMs, maxActiveForItl, maxRequestRate, serviceTimeMs, type SteadyState } from './capacity.js';
export { countPromptTokens, countTokens, lastUserText, promptText, tokenizeSimple, VOCABULARY, type SimpleToken } from './tokens.js';
export { planOutput, type OutputPlan } from './completion.js';
