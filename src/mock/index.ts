// The simulator's public surface, re-exported by name.
export { startMockServer, type MockServer } from './server.js';
export { startMockInWorker, workerScriptUrl } from './in-worker.js';
export { JUDGE_RULES, MOCK_DEFAULTS, resolveMockOptions, type AnswerKeyEntry, type JudgeRule, type MockConfig, type MockOptions } from './options.js';
export type { MockStats } from './stats.js';
export { closedLoopSteadyState, itlEffectiveMs, maxActiveForItl, maxRequestRate, serviceTimeMs, type SteadyState } from './capacity.js';
export { countPromptTokens, countTokens, lastUserText, promptText, tokenizeSimple, VOCABULARY, type SimpleToken } from './tokens.js';
export { planOutput, type OutputPlan } from './plan.js';
export { FAULT_KINDS, FAULTS, parseFaultSpec, pickFault, type Fault, type FaultKind, type FaultSpec } from './faults/index.js';
export { compliesWith, findEntry, knowsAnswer, pairwiseVerdict, ratingForAnswer, refusalVerdict, scriptedReply, SIM_REFUSAL, SIM_REFUSAL_PHRASES } from './content.js';
export { echoLogprobs, KNOWN_TAIL_LOGPROB, tokenId, tokenizeResponse, type LegacyLogprobs } from './logprobs.js';
export { embedText } from './embeddings.js';
export { epochMs, type SendTimeRecord } from './send-times.js';
export { predictClosedLoop, predictOpenLoop, type PredictedRequest } from './predict.js';
