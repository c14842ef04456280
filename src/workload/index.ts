// Workload: where prompts and arrival times come from.
export { loadPromptFile, syntheticPrompts, DEFAULT_PROMPTS_FILE } from './prompts.js';
export type { Prompt, ChatMessage } from './prompts.js';
export { poissonSchedule } from './arrivals.js';
export { seededRandom, exponential } from './random.js';
export { estimateTokens, estimateTokensFromChars, CHARS_PER_TOKEN } from './tokens.js';
