// MATH-500 and AIME: the published layouts load, boxed answers are read as Hendrycks' MATH reads them, AIME integers compare as numbers.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aime, aimeEquivalent } from '../../src/eval/benchmarks/aime.js';
import { BOXED_INSTRUCTION, math500 } from '../../src/eval/benchmarks/math500.js';
import { shippedDataDir } from '../../src/eval/load.js';

const ctx = { seed: 0, limit: null, fewShot: null };
const score = { seed: 0, allowCodeExecution: false, codeTimeoutMs: 0 };

describe('MATH-500', () => {
  it('loads HuggingFaceH4/MATH-500 test.jsonl with subject rows and level categories', async () => {
    const loaded = await math500.load(join(shippedDataDir(), 'math500'), ctx);
    expect(loaded.items).toHaveLength(7);
    expect(loaded.items[2]).toMatchObject({ id: 'test/algebra/9003.json', subset: 'Algebra', category: 'level 2' });
    const request = math500.buildGenerate(loaded.items[2]!, [], { fewShot: 0, seed: 0, samples: 1 });
    expect(request.messages).toEqual([{ role: 'user', content: `Solve for $x$: $2x + 3 = 10$.\n${BOXED_INSTRUCTION}` }]);
  });
  it('scores the last \\boxed{} with is_equiv: \\dfrac72 equals \\frac{7}{2}, 3.5 does not', async () => {
    const loaded = await math500.load(join(shippedDataDir(), 'math500'), ctx);
    const item = loaded.items[2]!;
    expect((await math500.scoreGenerate(item, ['first \\boxed{3}, finally \\boxed{\\dfrac72}'], score)).value).toBe(1);
    expect((await math500.scoreGenerate(item, ['\\boxed{3.5}'], score)).value).toBe(0);
    expect((await math500.scoreGenerate(item, ['x = 7/2'], score)).extracted).toBe(null);
  });
});

describe('AIME', () => {
  it('reads every layout in the folder (Parquet with problem/year, JSONL with question), rows by year', async () => {
    const loaded = await aime.load(join(shippedDataDir(), 'aime'), ctx);
    expect(loaded.items).toHaveLength(6);
    expect(loaded.items.map((i) => i.subset).sort()).toEqual(['2024', '2024', '2024', '2025', '2025', '2025']);
    expect(loaded.files.some((f) => f.endsWith('.parquet'))).toBe(true);
  });
  it('compares integers as numbers: 042 = 42 = \\text{42}, 42.5 is not 42', () => {
    expect(aimeEquivalent('042', '42')).toBe(true);
    expect(aimeEquivalent('\\text{42}', '42')).toBe(true);
    expect(aimeEquivalent('42.5', '42')).toBe(false);
    expect(aimeEquivalent('43', '42')).toBe(false);
    expect(aimeEquivalent(null, '42')).toBe(false);
  });
  it('scores the last boxed answer', async () => {
    const loaded = await aime.load(join(shippedDataDir(), 'aime'), ctx);
    const item = loaded.items.find((i) => (i.data as { answer: string }).answer === '625')!;
    expect((await aime.scoreGenerate(item, ['\\boxed{600}? no: \\boxed{0625}'], score)).value).toBe(1);
    expect((await aime.scoreGenerate(item, ['\\boxed{624}'], score)).value).toBe(0);
  });
});
