// End to end against the simulator for the newer benchmarks: known accuracy in, the reference metrics out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeEval, simulatorAnswerKey, toEvalPlan, type EvalFlags, type EvalPlan } from '../../src/eval/evaluate.js';
import { loadBenchmarks } from '../../src/eval/load.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let server: MockServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function plan(overrides: Partial<EvalFlags>): EvalPlan {
  const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-breadth-'));
  const flags: EvalFlags = { datasets: 'ifeval', concurrency: '8', mode: 'generate', seed: '0', cache: false, samples: '1', codeTimeout: '10', simAccuracy: '0.8', out, ...overrides };
  return toEvalPlan(flags);
}

async function simulatorFor(p: EvalPlan, accuracy: number): Promise<EvalPlan> {
  const sets = await loadBenchmarks(p.datasets, p.dataDir, { limit: p.limit, seed: p.seed, needle: p.needle });
  server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, seed: 7, answerKey: simulatorAnswerKey(sets, p), answerAccuracy: accuracy });
  return { ...p, url: server.url };
}

const IFEVAL_METRICS = ['prompt_level_strict_acc', 'prompt_level_loose_acc', 'inst_level_strict_acc', 'inst_level_loose_acc'];

describe('ifeval, needle, mmlu_pro, gpqa_diamond, math500 and aime against the simulator', () => {
  it('a simulator that always complies scores 1 on all four IFEval metrics and finds every needle', async () => {
    const p = await simulatorFor(plan({ datasets: 'ifeval,needle,mmlu_pro,gpqa_diamond,math500,aime,induction', needleLengths: '300,2k', needleDepths: '0,50,100', needleSamples: '2' }), 1);
    const { doc, outDir } = await executeEval(p);
    const ifeval = doc.benchmarks.ifeval!;
    expect(ifeval).toMatchObject({ metric: 'prompt_level_strict_acc', score: 1, n: 14, failed_requests: 0 });
    for (const m of IFEVAL_METRICS) expect([m, ifeval.metrics[m]]).toEqual([m, 1]);
    const needle = doc.benchmarks.needle!;
    expect(needle).toMatchObject({ metric: 'accuracy', score: 1, n: 12 });
    expect(needle.subsets.map((s) => s.name)).toEqual(['length=300', 'length=2000']);
    expect(needle.metrics.acc_len2000_depth100).toBe(1);
    // The needle's requests are real serving measurements: the 2k-token prompts reached the server.
    expect(doc.perf.needle!.summary.succeeded).toBe(12);
    expect(doc.benchmarks.mmlu_pro).toMatchObject({ metric: 'accuracy', score: 1, n: 6 });
    expect(doc.benchmarks.gpqa_diamond).toMatchObject({ metric: 'accuracy', score: 1, n: 6 });
    expect(doc.benchmarks.math500).toMatchObject({ metric: 'accuracy', score: 1, n: 7 });
    expect(doc.benchmarks.aime).toMatchObject({ metric: 'accuracy', score: 1, n: 6 });
    // The simulator "knows" a probe when it resists: always right = no attack succeeds.
    expect(doc.benchmarks.induction).toMatchObject({ metric: 'attack_success_rate', score: 0, n: 24 });
    const saved = JSON.parse(readFileSync(join(outDir, 'eval.json'), 'utf8'));
    expect(saved.benchmarks.ifeval.metrics.inst_level_loose_acc).toBe(1);
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toMatch(/inst_level_strict_acc/);
  });

  it('a simulator that never complies scores 0 everywhere, strict and loose', async () => {
    const p = await simulatorFor(plan({ datasets: 'ifeval,needle,mmlu_pro,gpqa_diamond,math500,aime,induction', needleLengths: '300', needleDepths: '50', needleSamples: '3' }), 0);
    const { doc } = await executeEval(p);
    const ifeval = doc.benchmarks.ifeval!;
    expect(ifeval.failed_requests).toBe(0);
    for (const m of IFEVAL_METRICS) expect([m, ifeval.metrics[m]]).toEqual([m, 0]);
    for (const name of ['needle', 'mmlu_pro', 'gpqa_diamond', 'math500', 'aime']) expect([name, doc.benchmarks[name]!.score]).toEqual([name, 0]);
    expect(doc.benchmarks.induction!.score).toBe(1);
    expect(doc.benchmarks.induction!.metrics.refusal_rate).toBe(0);
  });

  it('measures the simulator\'s configured accuracy on many needles', async () => {
    // 5 x 5 x 8 = 200 independent needles at p = 0.6: binomial stderr 0.035, so +-0.12 is a 3.5-sigma band.
    const p = await simulatorFor(plan({ datasets: 'needle', needleLengths: '200,300,400,500,600', needleDepths: '0,25,50,75,100', needleSamples: '8', seed: '5' }), 0.6);
    const { doc } = await executeEval(p);
    expect(doc.benchmarks.needle!.n).toBe(200);
    expect(doc.benchmarks.needle!.score!).toBeGreaterThan(0.48);
    expect(doc.benchmarks.needle!.score!).toBeLessThan(0.72);
  });
});
