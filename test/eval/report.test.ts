// The eval outputs people read: the console score table and the HTML fragment (every text escaped).
import { describe, expect, it } from 'vitest';
import { renderEvalHtml } from '../../src/eval/report.js';
import type { EvalDocument } from '../../src/eval/runner.js';
import { benchmark } from './fixtures.js';
import { renderScoreTable } from '../../src/eval/table.js';

const doc: EvalDocument = {
  schema: 'llmperf/eval@1', started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:01.000Z', simulated: true,
  model: '<script>alert(1)</script>', url: 'http://127.0.0.1:1',
  benchmarks: {
    mmlu: benchmark({ subsets: [{ name: 'a<b', score: 1, stderr: 0, n: 2 }, { name: 'c', score: 0.5, stderr: 0.5, n: 2 }], notes: ['x & y'] }),
    humaneval: benchmark({ metric: 'pass@1', score: null, stderr: null, n: 0, refused: 'needs --allow-code-execution' }),
  },
  perf: { mmlu: null, humaneval: null },
};

describe('renderScoreTable', () => {
  it('shows each benchmark, its subsets and standard errors', () => {
    const text = renderScoreTable(doc);
    expect(text).toMatch(/mmlu\s+│\s+all \(weighted average\)\s+│\s+generate\s+│\s+accuracy\s+│\s+0\.7500\s+│\s+0\.1250\s+│\s+4/);
    expect(text).toContain('a<b');
    expect(text).toMatch(/humaneval.*refused/);
  });
});

describe('renderEvalHtml', () => {
  it('escapes every text taken from the document and says when the simulator answered', () => {
    const html = renderEvalHtml(doc);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a&lt;b');
    expect(html).toContain('x &amp; y');
    expect(html).toContain('simulated');
    expect(html).toContain('Refused: needs --allow-code-execution');
    expect(html.startsWith('<section')).toBe(true);
  });
});
