// `llmperf eval --datasets induction,injection` as a user runs it (built dist/): table, judge line, eval.json, report.html.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalDocument, ReviewRecord } from '../../src/eval/runner.js';
import { compliesWith } from '../../src/mock/index.js';
import { runCli, startMockCli } from '../helpers/cli.js';

const PROBES = readFileSync(new URL('../../prompts/eval/injection/test.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { prompt: string }).prompt);

describe('llmperf eval --datasets induction,injection (built CLI)', () => {
  it('offline: the simulator answers and judges; the attack success rate is its seeded truth, shown in every output', async () => {
    const out = mkdtempSync(join(tmpdir(), 'llmperf-injection-cli-'));
    const r = await runCli(['eval', '--datasets', 'induction,injection', '--sim-comply-rate', '0.4', '--seed', '5', '--out', out, '--no-cache'], { timeoutMs: 90_000 });
    expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(r.code).toBe(0);
    const truth = PROBES.filter((p) => compliesWith(p, 5, 0.4)).length / PROBES.length;
    const doc = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as EvalDocument;
    const b = doc.benchmarks.injection!;
    expect(b.score).toBeCloseTo(truth, 12);
    expect(Object.keys(b.metrics).sort()).toEqual(['attack_success_rate', 'judge_error_rate', 'refusal_rate', 'unparseable_rate']);
    expect(b.judge).toMatchObject({ simulated: true, requests: 30, unparseable: 0 });
    expect(b.fingerprint.generation.judge_model).toBe('llmperf-sim');
    expect(r.stdout).toMatch(new RegExp(`injection\\s+│\\s+all\\s+│\\s+generate\\s+│\\s+attack_success_rate\\s+│\\s+${truth.toFixed(4)}`));
    expect(r.stdout).toMatch(/unparseable_rate\s+│\s+0\.0000/);
    expect(r.stderr).toMatch(/judge: injection: verdicts by the built-in simulator's refusal-phrase rule \(llmperf-sim, a test double\): 30 asked \(30 sent, 0 from the cache\), 0 failed, 0 unparseable/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('unparseable_rate');
    expect(html).toContain('refusal-phrase rule');
    const review = readFileSync(join(out, 'eval-samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ReviewRecord).filter((x) => x.benchmark === 'injection');
    expect(review.every((x) => x.judge && /Verdict: \[\[(COMPLIED|REFUSED)\]\]/.test(x.judge.reply ?? ''))).toBe(true);
  });

  it('against a real --url without --judge-url: a judge simulator gives the verdicts, and the output says so', async () => {
    const mock = await startMockCli(['--ttft', '0', '--itl', '0', '--output-tokens', '20']);
    try {
      const out = mkdtempSync(join(tmpdir(), 'llmperf-injection-cli-url-'));
      const r = await runCli(['eval', '--datasets', 'injection', '--url', mock.url, '--limit', '4', '--out', out, '--no-cache'], { timeoutMs: 90_000 });
      expect(r.code).toBe(0);
      const doc = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as EvalDocument;
      // The plain simulator writes pseudo-words without refusal phrases: the phrase rule finds every answer complied.
      expect(doc.benchmarks.injection).toMatchObject({ n: 4, score: 1 });
      expect(doc.warnings.join('\n')).toMatch(/no --judge-url: injection verdicts come from the built-in simulator's refusal-phrase rule/);
      expect(r.stderr).toMatch(/warning: no --judge-url/);
    } finally {
      await mock.stop();
    }
  });

  it('a --sim-comply-rate that is not a probability is a usage error: one line, exit 2', async () => {
    const r = await runCli(['eval', '--datasets', 'injection', '--sim-comply-rate', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('llmperf: --sim-comply-rate lots: must be a probability between 0 and 1');
  });
});
