// Builds engine configurations for tests with sensible small defaults.
import type { LoadConfig } from '../../src/engine/run.js';
import { syntheticPrompts } from '../../src/workload/prompts.js';

export function testConfig(baseUrl: string, overrides: Partial<LoadConfig> = {}): LoadConfig {
  return {
    target: { baseUrl, model: 'llmperf-sim' },
    api: 'chat',
    stream: true,
    concurrency: 4,
    requests: 16,
    durationMs: null,
    ratePerS: null,
    prompts: syntheticPrompts(8, 32, 1),
    outputTokens: null,
    extraBody: {},
    timeoutMs: 20_000,
    idleTimeoutMs: 20_000,
    seed: 1,
    warmupRequests: 0,
    rejectUnauthorized: true,
    ...overrides,
  };
}
