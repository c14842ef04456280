// A CI regression gate on the llmperf library: measure, compare with a saved baseline, fail the job on a regression.
// Usage: node examples/ci-gate.mjs [BASE_URL]   (no URL: the built-in simulator; baseline in perf/baseline)
import { existsSync } from 'node:fs';
import { compareResults, runLoad } from 'llmperf';

const url = process.argv[2];
const load = { url, concurrency: 8, requests: 64, outputTokens: 32, seed: 1, slo: ['error_rate < 0.01'] };
const result = await runLoad({ ...load, out: 'perf/new', overwrite: true });
const failedSlos = (result.slo ?? []).filter((outcome) => !outcome.passed);
for (const outcome of failedSlos) console.log(`SLO missed: ${outcome.expression} (actual ${outcome.actual})`);
if (!existsSync('perf/baseline/result.json')) {
  console.log('No baseline yet: copy perf/new to perf/baseline and commit it.');
  process.exit(failedSlos.length > 0 ? 1 : 0);
}
const comparison = compareResults('perf/baseline', 'perf/new', { failOn: ['ttft_ms.p50 > +25%', 'output_tokens_per_s < -20%', 'failed > 0'] });
for (const check of comparison.fail_on) console.log(`${check.crossed ? 'FAIL' : 'ok  '} ${check.expression}`);
process.exit(failedSlos.length > 0 || comparison.failed ? 1 : 0);
