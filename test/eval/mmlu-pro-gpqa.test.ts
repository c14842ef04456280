// MMLU-Pro and GPQA Diamond against their reference code's definitions (evaluate_from_api.py, simple-evals), worked by hand.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractGpqaAnswer, gpqaDiamond, gpqaPrompt, permutation } from '../../src/eval/benchmarks/gpqa.js';
import { extractProAnswer, formatExample, mmluPro } from '../../src/eval/benchmarks/mmlu-pro.js';
import { shippedDataDir } from '../../src/eval/load.js';
import { seededRandom } from '../../src/workload/random.js';

const ctx = { seed: 0, limit: null, fewShot: null };
const score = { seed: 0, allowCodeExecution: false, codeTimeoutMs: 0 };

describe('MMLU-Pro (TIGER-Lab evaluate_from_api.py)', () => {
  it('formats an example as format_example does: options on the "Options:" line, the "A: " prefix dropped', () => {
    expect(formatExample('Q?', ['x', 'y'])).toBe("Question: Q?\nOptions: A. x\nB. y\nAnswer: Let's think step by step.\n\n");
    expect(formatExample('Q?', ['x'], 'A: Because. The answer is (A).')).toBe('Question: Q?\nOptions: A. x\nAnswer: Because. The answer is (A).\n\n');
  });
  it('extracts in three stages: "answer is (X)", then "answer: X", then the last standalone A-J', () => {
    expect(extractProAnswer('So the answer is (C). Not D.')).toBe('C');
    // Stage 1 takes the FIRST match (re.search).
    expect(extractProAnswer('the answer is A, wait, the answer is (B)')).toBe('A');
    // "**" is removed first, so "answer is **(D)**" becomes "answer is (D)".
    expect(extractProAnswer('The answer is **(D)**')).toBe('D');
    expect(extractProAnswer('Final Answer: E\nthat is all')).toBe('E');
    expect(extractProAnswer('Options E and then F remain.')).toBe('F');
    // Case-sensitive like the reference: a lowercase letter is never read, and "I" the pronoun is a letter.
    expect(extractProAnswer('the answer is (c)')).toBe(null);
    expect(extractProAnswer('I believe so.')).toBe('I');
  });
  it('reads the Hub\'s Parquet layout, drops "N/A" padding, and takes chain-of-thought shots from the same category', async () => {
    const loaded = await mmluPro.load(join(shippedDataDir(), 'mmlu_pro'), ctx);
    expect(loaded.items).toHaveLength(6);
    expect(loaded.files.every((f) => f.endsWith('.parquet'))).toBe(true);
    const first = loaded.items[0]!;
    expect((first.data as { options: string[] }).options).toHaveLength(9);
    expect(first.subset).toBe('math');
    const shots = mmluPro.pickShots!(first, loaded.shots, 5);
    expect(shots.map((s) => s.subset)).toEqual(['math']);
    const prompt = mmluPro.buildGenerate(first, shots, { fewShot: 5, seed: 0, samples: 1 }).messages[0]!.content;
    expect(prompt.startsWith('The following are multiple choice questions (with answers) about math. Think step by step and then output the answer in the format of "The answer is (X)" at the end.\n\nQuestion: What is 7 times 8?')).toBe(true);
    expect(prompt).toContain("Answer: Let's think step by step. 7 times 8 is 56");
    expect(prompt.endsWith("I. 9x^2\nAnswer: Let's think step by step.\n\n")).toBe(true);
    expect((await mmluPro.scoreGenerate(first, ['... the answer is (B)'], score)).value).toBe(1);
  });
});

describe('GPQA Diamond (simple-evals)', () => {
  it('the prompt is QUERY_TEMPLATE_MULTICHOICE', () => {
    expect(gpqaPrompt({ question: 'Q?', choices: ['w', 'x', 'y', 'z'] })).toBe(
      "Answer the following multiple choice question. The last line of your response should be of the following format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before answering.\n\nQ?\n\nA) w\nB) x\nC) y\nD) z",
    );
  });
  it('extracts with ANSWER_PATTERN_MULTICHOICE: first match, $-wrapped letters, case as written', () => {
    expect(extractGpqaAnswer('Answer: $C$')).toBe('C');
    expect(extractGpqaAnswer('answer : B\nAnswer: D')).toBe('B');
    expect(extractGpqaAnswer('answer: b')).toBe('b');
    expect(extractGpqaAnswer('The answer is C')).toBe(null);
  });
  it('shuffles choices with a fixed seed: the same order every run, a different one for another seed, gold spread over A-D', async () => {
    const dir = join(shippedDataDir(), 'gpqa');
    const a = await gpqaDiamond.load(dir, ctx);
    const b = await gpqaDiamond.load(dir, ctx);
    const c = await gpqaDiamond.load(dir, { ...ctx, seed: 9 });
    const choices = (l: typeof a) => l.items.map((i) => (i.data as { choices: string[] }).choices);
    expect(choices(a)).toEqual(choices(b));
    expect(choices(a)).not.toEqual(choices(c));
    for (const item of a.items) {
      const d = item.data as { choices: string[]; gold: number };
      expect(d.choices.slice().sort()).toHaveLength(4);
    }
    // The correct answer is the first CSV answer column: the gold index must point at it.
    expect((a.items[5]!.data as { choices: string[]; gold: number }).choices[(a.items[5]!.data as { gold: number }).gold]).toBe('2/3');
    expect(a.items.map((i) => i.subset)).toEqual(['Physics', 'Physics', 'Chemistry', 'Chemistry', 'Biology', 'Biology']);
    // 4000 permutations: each position holds the correct answer about a quarter of the time.
    const r = seededRandom(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[permutation(r, 4).indexOf(0)]!++;
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });
});
