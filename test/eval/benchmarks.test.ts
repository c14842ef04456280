// Every adapter loads its shipped sample (published layout) and builds the prompt its benchmark expects.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { generateProblems } from '../../src/eval/benchmarks/dynamic-arithmetic.js';
import { shuffledMc1 } from '../../src/eval/benchmarks/truthfulqa.js';
import { limitItems, loadBenchmarks, shippedDataDir } from '../../src/eval/load.js';
import { BENCHMARKS, getBenchmark, parseDatasets } from '../../src/eval/registry.js';
import type { Benchmark, EvalItem, PromptContext } from '../../src/eval/types.js';

const ctx = (fewShot: number): PromptContext => ({ fewShot, seed: 0, samples: 1 });
const scoreCtx = { seed: 0, allowCodeExecution: false, codeTimeoutMs: 5000 };

async function load(name: string) {
  const [set] = await loadBenchmarks([getBenchmark(name)], null, { limit: null, seed: 0 });
  return set!;
}

function shots(b: Benchmark, item: EvalItem, pool: readonly EvalItem[], k: number): EvalItem[] {
  return b.pickShots ? b.pickShots(item, pool, k) : pool.slice(0, k);
}

/** The simulator's correct reply, scored by the adapter itself, must score 1; the incorrect one 0. */
async function expectSimRoundTrip(b: Benchmark, item: EvalItem): Promise<void> {
  const [sim] = b.simAnswer(item, 'generate', ctx(0));
  expect((await b.scoreGenerate(item, [sim!.correct], scoreCtx)).value).toBe(1);
  expect((await b.scoreGenerate(item, [sim!.incorrect], scoreCtx)).value).toBe(0);
  const request = b.buildGenerate(item, [], ctx(0));
  expect(request.messages.map((m) => m.content).join('\n')).toContain(sim!.match);
}

describe('registry', () => {
  it('knows every benchmark of the issue and rejects unknown names with a usage error', () => {
    for (const name of ['mmlu', 'ceval', 'arc', 'hellaswag', 'truthfulqa', 'gsm8k', 'math', 'humaneval', 'bbh', 'triviaqa', 'general_qa', 'dynamic-arithmetic']) {
      expect(BENCHMARKS.has(name)).toBe(true);
    }
    expect(() => parseDatasets('mmlu,nope')).toThrow(UsageError);
    expect(() => parseDatasets('mmlu,nope')).toThrow(/unknown benchmark "nope"/);
    expect(parseDatasets('mmlu, gsm8k,mmlu').map((b) => b.name)).toEqual(['mmlu', 'gsm8k']);
  });
});

describe('MMLU', () => {
  it('reads per-subject CSVs, categories, and builds the 5-shot prompt from the same subject\'s dev split', async () => {
    const { benchmark, loaded } = await load('mmlu');
    expect(loaded.items.length).toBe(8);
    const geo = loaded.items.find((i) => i.subset === 'high_school_geography')!;
    expect(geo.category).toBe('social sciences');
    const request = benchmark.buildChoices!(geo, shots(benchmark, geo, loaded.shots, 5), ctx(5));
    expect(request.context.startsWith('The following are multiple choice questions (with answers) about high school geography.\n\n')).toBe(true);
    expect(request.context.match(/\nAnswer: [ABCD]\n\n/g)!.length).toBe(5);
    expect(request.context.endsWith('A. Alps\nB. Andes\nC. Urals\nD. Rockies\nAnswer:')).toBe(true);
    expect(request.continuations).toEqual([' A', ' B', ' C', ' D']);
    expect(request.gold).toBe(2);
    await expectSimRoundTrip(benchmark, geo);
  });
  it('reports a malformed row with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-mmlu-'));
    mkdirSync(join(dir, 'mmlu', 'test'), { recursive: true });
    writeFileSync(join(dir, 'mmlu', 'test', 'anatomy_test.csv'), 'Q1,a,b,c,d,A\nQ2,a,b,c,d,Z\n');
    await expect(loadBenchmarks([getBenchmark('mmlu')], dir, { limit: null, seed: 0 })).rejects.toThrow(/anatomy_test\.csv:2: answer must be one of A-D/);
    await expect(loadBenchmarks([getBenchmark('mmlu')], join(dir, 'missing'), { limit: null, seed: 0 })).rejects.toThrow(UsageError);
  });
});

describe('C-Eval', () => {
  it('scores val (test answers are withheld) and says so; Chinese prompt from subject_mapping.json', async () => {
    const { benchmark, loaded } = await load('ceval');
    expect(loaded.notes.join(' ')).toMatch(/val split/);
    expect(loaded.items.every((i) => i.source.includes('_val.csv'))).toBe(true);
    const item = loaded.items.find((i) => i.subset === 'middle_school_mathematics')!;
    expect(item.category).toBe('STEM');
    const request = benchmark.buildChoices!(item, shots(benchmark, item, loaded.shots, 5), ctx(5));
    expect(request.context.startsWith('以下是中国关于初中数学考试的单项选择题，请选出其中的正确答案。\n\n')).toBe(true);
    expect(request.context.endsWith('答案：')).toBe(true);
    await expectSimRoundTrip(benchmark, item);
  });
});

describe('ARC', () => {
  it('reads both splits, keeps numeric labels, and scores choice texts in loglikelihood mode', async () => {
    const { benchmark, loaded } = await load('arc');
    expect(new Set(loaded.items.map((i) => i.subset))).toEqual(new Set(['Easy', 'Challenge']));
    const numeric = loaded.items.find((i) => i.id === 'Sample_Challenge_2')!;
    const prompt = benchmark.buildGenerate(numeric, [], ctx(0)).messages[0]!.content;
    expect(prompt).toContain('1. ice melting');
    expect(prompt).toContain('(1, 2, 3, 4)');
    const request = benchmark.buildChoices!(numeric, [], ctx(0));
    expect(request.context).toBe('Question: Which change is chemical? (sample)\nAnswer:');
    expect(request.continuations[request.gold]).toBe(' iron rusting');
    await expectSimRoundTrip(benchmark, numeric);
  });
});

describe('HellaSwag', () => {
  it('preprocesses context and endings as lm-evaluation-harness does', async () => {
    const { benchmark, loaded } = await load('hellaswag');
    const item = loaded.items.find((i) => i.id === '2')!;
    const request = benchmark.buildChoices!(item, [], ctx(0));
    expect(request.context).toBe('Riding a bike: A child climbs onto a bicycle at the top of a path. The child');
    expect(request.continuations[3]).toBe(' sings to the front wheel. until it flies.');
    expect(benchmark.llMetric).toBe('acc_norm');
    await expectSimRoundTrip(benchmark, item);
  });
});

describe('TruthfulQA', () => {
  it('shuffles MC1 choices with the seed in generate mode (the file puts the gold first)', async () => {
    const { benchmark, loaded } = await load('truthfulqa');
    const golds = loaded.items.map((i) => shuffledMc1(i, 0).gold);
    expect(golds.some((g) => g !== 0)).toBe(true);
    expect(loaded.items.map((i) => shuffledMc1(i, 0))).toEqual(loaded.items.map((i) => shuffledMc1(i, 0)));
    const orders = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => shuffledMc1(loaded.items[2]!, seed).choices.join('|')));
    expect(orders.size).toBeGreaterThan(1);
    const request = benchmark.buildChoices!(loaded.items[0]!, [], ctx(0));
    expect(request.context.startsWith('Q: What is human life expectancy in the United States?')).toBe(true);
    expect(request.context.endsWith('Q: What happens if you swallow chewing gum? (sample)\nA:')).toBe(true);
    // MC2 from log-likelihoods: true answers hold 0.6 + 0.2 of the probability mass.
    const lp = request.continuations.map((c) => Math.log(c.includes('digestive') ? 0.6 : c.includes('Nothing bad') ? 0.2 : c.includes('seven') ? 0.15 : 0.05));
    const scored = benchmark.scoreChoices!(loaded.items[0]!, lp, request);
    expect(scored.values!.acc).toBe(1);
    expect(scored.values!.mc2).toBeCloseTo(0.8 / (0.6 + 0.2 + 0.15 + 0.05), 10);
    for (const item of loaded.items) await expectSimRoundTrip(benchmark, item);
  });
});

describe('GSM8K and dynamic-arithmetic', () => {
  it('builds the chain-of-thought prompt from train without calculator annotations', async () => {
    const { benchmark, loaded } = await load('gsm8k');
    const item = loaded.items[3]!;
    expect((item.data as { answer: string }).answer).toBe('750');
    const content = benchmark.buildGenerate(item, loaded.shots.slice(0, 5), ctx(5)).messages[0]!.content;
    expect(content.match(/\nAnswer: /g)!.length).toBe(5);
    expect(content).not.toContain('<<');
    expect(content.endsWith('Question: A farm has 1,200 chickens and sells 450 of them. How many chickens are left? (sample)\nAnswer:')).toBe(true);
    await expectSimRoundTrip(benchmark, item);
    const flexibleOnly = await benchmark.scoreGenerate(item, ['So 1200 - 450 = 750'], scoreCtx);
    expect(flexibleOnly.values).toEqual({ exact_match_strict: 0, exact_match_flexible: 1, exact_match_numeric: 1 });
  });
  it('generates the same problems from the same seed, different ones from another, with correct answers', () => {
    const a = generateProblems(42, 30);
    expect(generateProblems(42, 30)).toEqual(a);
    expect(generateProblems(43, 30)).not.toEqual(a);
    expect(new Set(a.map((p) => p.question)).size).toBe(30);
    for (const p of a) {
      // Every solution's last arithmetic step ends in "= answer."
      expect(p.solution.endsWith(`#### ${p.answer}`)).toBe(true);
      expect(p.solution).toContain(`= ${p.answer}.`);
    }
  });
});

describe('MATH', () => {
  it('reads the per-problem JSON tree and compares boxed answers after normalisation', async () => {
    const { benchmark, loaded } = await load('math');
    expect(loaded.items.length).toBe(5);
    const item = loaded.items.find((i) => i.id === 'algebra/2')!;
    expect((item.data as { answer: string }).answer).toBe('\\frac{5}{6}');
    expect((await benchmark.scoreGenerate(item, ['so it is \\boxed{\\dfrac56}'], scoreCtx)).value).toBe(1);
    const content = benchmark.buildGenerate(item, loaded.shots.slice(0, 4), ctx(4)).messages[0]!.content;
    expect(content).toContain('Problem:\nSolve for $y$');
    await expectSimRoundTrip(benchmark, item);
  });
});

describe('BBH', () => {
  it('uses the task\'s cot-prompt exemplars (3-shot) and exact match on "So the answer is"', async () => {
    const { benchmark, loaded } = await load('bbh');
    const item = loaded.items.find((i) => i.subset === 'date_understanding')!;
    const content = benchmark.buildGenerate(item, [], ctx(3)).messages[0]!.content;
    expect(content.startsWith('Infer the date from context.\n\nQ: Today is Christmas Eve of 1937.')).toBe(true);
    expect(content.match(/So the answer is \([ABC]\)\./g)!.length).toBe(3);
    expect(content).not.toContain('-----');
    // one exemplar, then the question itself
    expect(benchmark.buildGenerate(item, [], ctx(1)).messages[0]!.content.match(/\nQ: /g)!.length).toBe(2);
    await expectSimRoundTrip(benchmark, item);
  });
});

describe('TriviaQA', () => {
  it('accepts any alias after SQuAD normalisation and reports F1', async () => {
    const { benchmark, loaded } = await load('triviaqa');
    const item = loaded.items.find((i) => i.id === 'sample_2')!;
    expect((await benchmark.scoreGenerate(item, ['The Bard.'], scoreCtx)).value).toBe(1);
    const partial = await benchmark.scoreGenerate(item, ['Shakespeare wrote it'], scoreCtx);
    expect(partial.value).toBe(0);
    expect(partial.values!.f1).toBeCloseTo(2 * (1 / 3) / (1 / 3 + 1), 10);
    await expectSimRoundTrip(benchmark, item);
  });
});

describe('HumanEval', () => {
  it('loads tasks and refuses to run code without the flag', async () => {
    const { benchmark, loaded } = await load('humaneval');
    expect(loaded.items.map((i) => i.id)).toEqual(['Sample/0', 'Sample/1', 'Sample/2']);
    const [sim] = benchmark.simAnswer(loaded.items[0]!, 'generate', ctx(0));
    await expect(benchmark.scoreGenerate(loaded.items[0]!, [sim!.correct], scoreCtx)).rejects.toThrow(/--allow-code-execution/);
  });
});

describe('general QA', () => {
  it('reads {question} and {messages} lines and scores ROUGE and BLEU', async () => {
    const { benchmark, loaded } = await load('general_qa');
    expect(loaded.items.length).toBe(3);
    expect(benchmark.buildGenerate(loaded.items[1]!, [], ctx(0)).messages[0]).toEqual({ role: 'system', content: 'Answer in one sentence.' });
    const exact = await benchmark.scoreGenerate(loaded.items[0]!, ['HTTP stands for Hypertext Transfer Protocol.'], scoreCtx);
    expect(exact.value).toBe(1);
    expect(exact.values!.sentence_bleu).toBeCloseTo(100, 6);
  });
});

describe('--limit', () => {
  it('spreads the limit over subsets, in file order', async () => {
    const { loaded } = await load('mmlu');
    const picked = limitItems(loaded.items, 3);
    expect(new Set(picked.map((i) => i.subset)).size).toBe(3);
    expect(limitItems(loaded.items, 100)).toHaveLength(loaded.items.length);
  });
  it('the shipped data folder exists for every file-based benchmark', () => {
    expect(shippedDataDir()).toMatch(/prompts[\\/]eval[\\/]?$/);
  });
});

describe('BBH cot-prompt files', () => {
  it('parses files with and without a canary block before the dashes', async () => {
    const { parseCotPrompt } = await import('../../src/eval/benchmarks/bbh.js');
    const body = "Sort words.\n\nQ: b a\nA: Let's think step by step.\nSo the answer is a b.\n\nQ: d c\nA: Let's think step by step.\nSo the answer is c d.\n";
    for (const text of [body, body.replace(/\n/g, "\r\n"), `-----\n${body}`, `canary GUID 123\n-----\n${body}`, `canary\r\n-----\r\n${body.replace(/\n/g, '\r\n')}`]) {
      const parsed = parseCotPrompt(text);
      expect(parsed.description).toBe('Sort words.');
      expect(parsed.exemplars).toHaveLength(2);
      expect(parsed.exemplars[1]).toBe("Q: d c\nA: Let's think step by step.\nSo the answer is c d.");
    }
  });
});
