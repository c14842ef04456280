// End to end against the simulator's answer mode: known accuracy in, the same score out; the cache makes reruns free.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeEval, simulatorAnswerKey, toEvalPlan, type EvalFlags, type EvalPlan } from '../../src/eval/evaluate.js';
import { evalCommand } from '../../src/cli/eval-command.js';
import { UsageError } from '../../src/errors.js';
import { loadBenchmarks } from '../../src/eval/load.js';
import type { EvalDocument } from '../../src/eval/runner.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

const ALL = 'mmlu,gsm8k,arc,hellaswag,truthfulqa,math,humaneval,bbh,triviaqa,ceval,general_qa';
let server: MockServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

function plan(overrides: Partial<EvalFlags>): EvalPlan {
  const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-'));
  const flags: EvalFlags = { datasets: ALL, concurrency: '8', mode: 'generate', seed: '0', cache: true, cacheDir: join(out, 'cache'), samples: '1', codeTimeout: '10', simAccuracy: '0.8', out, ...overrides };
  return toEvalPlan(flags);
}

/** Starts the simulator with the answer key for exactly the items the plan will ask. */
async function simulatorFor(p: EvalPlan, accuracy: number): Promise<EvalPlan> {
  const sets = await loadBenchmarks(p.datasets, p.dataDir, { limit: p.limit, seed: p.seed });
  server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, seed: 7, answerKey: simulatorAnswerKey(sets, p), answerAccuracy: accuracy });
  return { ...p, url: server.url };
}

const scores = (doc: EvalDocument): Record<string, number | null> => Object.fromEntries(Object.entries(doc.benchmarks).map(([k, b]) => [k, b.score]));

describe('llmperf eval against the simulator', () => {
  it('scores 1.0 on every benchmark when the simulator always answers right (generate mode)', async () => {
    const p = await simulatorFor(plan({ allowCodeExecution: true }), 1);
    const { doc, outDir } = await executeEval(p);
    for (const [name, score] of Object.entries(scores(doc))) expect([name, score]).toEqual([name, 1]);
    expect(doc.schema).toBe('llmperf/eval@1');
    const mmlu = doc.benchmarks.mmlu!;
    expect(mmlu).toMatchObject({ metric: 'accuracy', mode: 'generate', n: 8, stderr: 0 });
    expect(mmlu.subsets.map((s) => s.name).sort()).toEqual(['elementary_mathematics', 'high_school_geography', 'world_religions']);
    expect(mmlu.categories.length).toBeGreaterThan(1);
    expect(mmlu.fingerprint.dataset_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(mmlu.fingerprint.model).toBe('llmperf-sim');
    expect(doc.benchmarks.ceval!.notes.join(' ')).toMatch(/val split/);
    expect(doc.perf.mmlu!.summary.succeeded).toBe(8);
    const saved = JSON.parse(readFileSync(join(outDir, 'eval.json'), 'utf8')) as EvalDocument;
    expect(saved.benchmarks.gsm8k!.score).toBe(1);
    const review = readFileSync(join(outDir, 'eval-samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const total = Object.values(doc.benchmarks).reduce((a, b) => a + b.n, 0);
    expect(review).toHaveLength(total);
    expect(review[0]).toHaveProperty('prompt');
    expect(review.every((r) => r.correct === true)).toBe(true);
  });

  it('scores low when the simulator always answers wrong', async () => {
    const p = await simulatorFor(plan({ allowCodeExecution: true }), 0);
    const { doc } = await executeEval(p);
    for (const [name, score] of Object.entries(scores(doc))) {
      expect(score, name).not.toBeNull();
      expect(score!, name).toBeLessThan(name === 'general_qa' ? 0.4 : 0.01);
    }
  });

  it('scores multiple choice by log-likelihood, and falls back to generate where there are no choices', async () => {
    const p = await simulatorFor(plan({ datasets: 'mmlu,arc,hellaswag,truthfulqa,ceval,gsm8k', mode: 'loglikelihood' }), 1);
    const { doc } = await executeEval(p);
    for (const name of ['mmlu', 'arc', 'hellaswag', 'truthfulqa', 'ceval']) {
      expect(doc.benchmarks[name]!.mode, name).toBe('loglikelihood');
      expect(doc.benchmarks[name]!.score, name).toBe(1);
    }
    expect(doc.benchmarks.hellaswag!.metric).toBe('acc_norm');
    expect(doc.benchmarks.truthfulqa!.metrics.mc2).toBeGreaterThan(0.9);
    expect(doc.benchmarks.gsm8k!.mode).toBe('generate');
    expect(doc.benchmarks.gsm8k!.notes.join(' ')).toMatch(/generate mode/);
  });

  it('computes perplexity of reference answers from the same log-probabilities', async () => {
    // The simulator gives a known answer's tail -0.05 per token, other tokens -2..-8: perplexity e^0.05 vs > e^2.
    const good = await executeEval(await simulatorFor(plan({ datasets: 'general_qa', mode: 'loglikelihood' }), 1));
    const b = good.doc.benchmarks.general_qa!;
    expect(b).toMatchObject({ metric: 'perplexity', mode: 'loglikelihood', n: 3 });
    expect(b.score!).toBeCloseTo(Math.exp(0.05), 6);
    // One definition in every row: each subset is its own corpus perplexity, near e^0.05 too.
    for (const subset of b.subsets) expect(subset.score).toBeCloseTo(Math.exp(0.05), 6);
    expect(b.metrics.word_perplexity).toBeGreaterThan(1);
    expect(b.metrics.byte_perplexity).toBeGreaterThan(1);
    // Only the notes of the mode that ran: the perplexity definition, never the BLEU note.
    expect(b.notes.join(' ')).toMatch(/per token of the server's tokenizer/);
    expect(b.notes.join(' ')).not.toMatch(/BLEU/);
    await server!.close();
    server = null;
    const bad = await executeEval(await simulatorFor(plan({ datasets: 'general_qa', mode: 'loglikelihood' }), 0));
    expect(bad.doc.benchmarks.general_qa!.score!).toBeGreaterThan(Math.exp(2));
  });

  it('measures the simulator\'s configured accuracy on fresh dynamic-arithmetic problems', async () => {
    // 300 independent items at p = 0.6: binomial stderr 0.028, so +-0.1 is a 3.5-sigma band.
    const p = await simulatorFor(plan({ datasets: 'dynamic-arithmetic', limit: '300', seed: '11', concurrency: '16', maxTokens: '64' }), 0.6);
    const { doc } = await executeEval(p);
    const b = doc.benchmarks['dynamic-arithmetic']!;
    expect(b.fingerprint.generation).toMatchObject({ max_tokens: 64, temperature: 0, few_shot: 3, seed: 11 });
    expect(b.fingerprint.dataset_sha256).toBeNull();
    expect(b.n).toBe(300);
    expect(Math.abs(b.score! - 0.6)).toBeLessThan(0.1);
    expect(b.stderr).toBeGreaterThan(0.02);
    expect(b.stderr).toBeLessThan(0.04);
  });

  it('answers a rerun from the cache without sending a request', async () => {
    const p = await simulatorFor(plan({ datasets: 'mmlu,gsm8k,truthfulqa' }), 0.5);
    const first = await executeEval(p);
    const sent = (await server!.stats()).requests;
    expect(sent).toBeGreaterThan(0);
    const second = await executeEval(p);
    expect((await server!.stats()).requests).toBe(sent);
    expect(scores(second.doc)).toEqual(scores(first.doc));
    expect(second.doc.benchmarks.mmlu!.cached_responses).toBe(8);
    expect(second.doc.perf.mmlu).toBeNull();
    await executeEval({ ...p, cache: false });
    expect((await server!.stats()).requests).toBeGreaterThan(sent);
  });

  it('resumes: a longer run over the same items reuses every answer already cached', async () => {
    const p = await simulatorFor(plan({ datasets: 'dynamic-arithmetic', limit: '20', seed: '3' }), 1);
    // The first (interrupted-like) run asked only the first 10 problems; the same seed gives the same first 10.
    const partial = await executeEval({ ...p, limit: 10 });
    expect(partial.doc.benchmarks['dynamic-arithmetic']!.cached_responses).toBe(0);
    const before = (await server!.stats()).requests;
    const full = await executeEval(p);
    expect(full.doc.benchmarks['dynamic-arithmetic']!.cached_responses).toBe(10);
    expect((await server!.stats()).requests - before).toBe(10);
  });

  it('refuses HumanEval without --allow-code-execution and says why', async () => {
    const p = await simulatorFor(plan({ datasets: 'humaneval' }), 1);
    const lines: string[] = [];
    const { doc } = await executeEval(p, (l) => lines.push(l));
    expect(doc.benchmarks.humaneval!.refused).toMatch(/--allow-code-execution/);
    expect(doc.benchmarks.humaneval!.score).toBeNull();
    expect(lines.join('\n')).toMatch(/refused/);
    expect((await server!.stats()).requests).toBe(0);
  });
});

describe('eval command line', () => {
  it('rejects bad input with usage errors', async () => {
    expect(() => plan({ datasets: 'mmlu,unknown' })).toThrow(UsageError);
    expect(() => plan({ mode: 'guess' })).toThrow(/--mode/);
    expect(() => plan({ simAccuracy: '1.5' })).toThrow(/--sim-accuracy/);
    await expect(executeEval(plan({ datasets: 'mmlu', dataDir: join(tmpdir(), 'no-such-llmperf-dir') }))).rejects.toThrow(UsageError);
    const command = evalCommand().exitOverride();
    expect(command.name()).toBe('eval');
    for (const flag of ['--datasets', '--url', '--model', '--api-key-env', '--data-dir', '--limit', '--few-shot', '--concurrency', '--mode', '--seed', '--allow-code-execution', '--out', '--no-cache', '--sim-accuracy']) {
      expect(command.options.some((o) => o.long === flag), flag).toBe(true);
    }
  });
});
