// The eval report page: a one-row-per-benchmark summary first, the detail after, fingerprints folded away at the end.
import { describe, expect, it } from 'vitest';
import { renderEvalPage } from '../../src/eval/report-page.js';
import type { EvalDocument } from '../../src/eval/runner.js';
import { benchmark } from './fixtures.js';

const doc: EvalDocument = {
  schema: 'llmperf/eval@1', started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:01.000Z', simulated: false,
  model: 'm<1>', url: 'http://127.0.0.1:1',
  benchmarks: {
    mmlu: benchmark({ subsets: [{ name: 'a', score: 1, stderr: 0, n: 2 }, { name: 'b', score: 0.5, stderr: 0.5, n: 2 }] }),
    gsm8k: benchmark({ metric: 'exact_match_strict', score: 0.5, stderr: 0.25, n: 8, mode: 'generate' }),
    humaneval: benchmark({ metric: 'pass@1', score: null, stderr: null, n: 0, refused: 'needs --allow-code-execution' }),
  },
  perf: { mmlu: null, gsm8k: null, humaneval: null },
};

describe('renderEvalPage', () => {
  const html = renderEvalPage(doc);

  it('opens with one summary row per benchmark: score, stderr, n, mode, metric', () => {
    const summaryAt = html.indexOf('id="eval-summary"');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(html.indexOf('Accuracy evaluation'));
    expect(html).toMatch(/<tr data-benchmark="gsm8k"><td>gsm8k<\/td><td class="num">0\.5000<\/td><td class="num">0\.2500<\/td><td class="num">8<\/td><td>generate<\/td><td>exact_match_strict<\/td><\/tr>/);
    expect(html).toContain('refused: needs --allow-code-execution');
    expect(html).toContain('m&lt;1&gt;');
  });

  it('keeps fingerprints out of the way: once, folded, after everything else', () => {
    expect(html.split('ab'.repeat(32)).length - 1).toBe(3); // one row per benchmark, in the folded table only
    const foldedAt = html.indexOf('<details><summary>Fingerprints');
    expect(foldedAt).toBeGreaterThan(html.indexOf('Serving performance of the eval'));
    expect(html.indexOf('ab'.repeat(32))).toBeGreaterThan(foldedAt);
  });
});
