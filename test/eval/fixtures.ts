// Shared eval test data: a benchmark result with every field filled, for tests of the eval outputs.
import type { BenchmarkResult } from '../../src/eval/runner.js';

/** A scored benchmark result (accuracy 0.75 over 4 items) with the given fields replaced. */
export function benchmark(overrides: Partial<BenchmarkResult>): BenchmarkResult {
  return {
    metric: 'accuracy', score: 0.75, stderr: 0.125, n: 4, mode: 'generate', subsets: [], categories: [], metrics: {}, metrics_stderr: {},
    failed_requests: 0, cached_responses: 0, notes: [], refused: null,
    fingerprint: { dataset_sha256: 'ab'.repeat(32), prompt_template_sha256: 'cd'.repeat(32), generation: { temperature: 0 }, model: 'm' },
    ...overrides,
  };
}
