// One conformance test per difference issue 16 found: reference values computed by hand from the published
// definitions (lm-evaluation-harness, rouge_score, sacrebleu, SQuAD v1.1, TriviaQA, Hendrycks MATH), no network, no Python.
import { describe, expect, it } from 'vitest';
import { aggregateSamples, type ScoredSample } from '../../src/eval/aggregate.js';
import { scoreByLoglikelihood } from '../../src/eval/benchmarks/mc.js';
import { generalQa } from '../../src/eval/benchmarks/general-qa.js';
import { scoreWordProblem } from '../../src/eval/benchmarks/gsm8k.js';
import { extractChoice, extractGsm8kFlexible, extractGsm8kStrict, extractShortAnswer, gsm8kExactMatch, lastBoxed } from '../../src/eval/extract.js';
import { latexEquivalent } from '../../src/eval/latex.js';
import { corpusBleu, sentenceBleu } from '../../src/eval/metrics/bleu.js';
import { meanWithStderr, pooledStderr, weightedAverage } from '../../src/eval/metrics/accuracy.js';
import { rouge } from '../../src/eval/metrics/rouge.js';
import { exactMatch, f1Score, normalizeAnswer } from '../../src/eval/metrics/squad.js';
import { normalizeTriviaQa, triviaqaExactMatch, triviaqaF1 } from '../../src/eval/metrics/triviaqa.js';
import type { EvalItem } from '../../src/eval/types.js';

describe('1. acc_norm divides by the choice\'s characters (lm-eval), acc_bytes by its UTF-8 bytes', () => {
  it('the issue\'s example: " ab" / " abcdef", log-probs -2 / -5, gold 1', () => {
    // acc: argmax(-2, -5) = 0. acc_norm: -2/2 = -1 vs -5/6 = -0.833 -> 1 (the leading space is not counted).
    const s = scoreByLoglikelihood({ context: 'x', continuations: [' ab', ' abcdef'], gold: 1, match: 'x' }, [-2, -5]);
    expect(s.values).toEqual({ acc: 0, acc_norm: 1, acc_bytes: 1 });
  });
  it('characters and bytes part ways on non-ASCII choices', () => {
    // " 日本" 2 chars / 6 bytes, lp -3; " abcd" 4 chars / 4 bytes, lp -5; gold 1.
    // acc_norm: -1.5 vs -1.25 -> 1. acc_bytes: -0.5 vs -1.25 -> 0. acc: -3 > -5 -> 0.
    const s = scoreByLoglikelihood({ context: 'x', continuations: [' 日本', ' abcd'], gold: 1, match: 'x' }, [-3, -5]);
    expect(s.values).toEqual({ acc: 0, acc_norm: 1, acc_bytes: 0 });
  });
});

describe('4. perplexity: one corpus definition in every row, plus lm-eval\'s word and byte perplexity', () => {
  const item = (id: string, subset: string, answer: string): EvalItem => ({ id, subset, source: id, data: { messages: [{ role: 'user', content: id }], answer } });
  const sample = (it: EvalItem, logprobSum: number, tokens: number): ScoredSample => {
    const score = generalQa.scoreChoices!(it, [logprobSum], { context: '', continuations: [` ${String(it.data.answer)}`], gold: 0, match: '' }, [tokens]);
    return { item: it, score, texts: [] };
  };
  const samples = [sample(item('a', 's1', 'a b'), -4, 2), sample(item('b', 's1', 'c'), -1, 1), sample(item('c', 's2', 'dé f'), -6, 3)];
  const agg = aggregateSamples(generalQa, 'perplexity', samples, 0, 'loglikelihood');
  it('headline, subsets and macro average are all exp(-sum log p / sum tokens)', () => {
    expect(agg.score).toBeCloseTo(Math.exp(11 / 6), 12);
    expect(agg.subsets.find((s) => s.name === 's1')!.score).toBeCloseTo(Math.exp(5 / 3), 12);
    expect(agg.subsets.find((s) => s.name === 's2')!.score).toBeCloseTo(Math.exp(2), 12);
    expect(agg.metrics.macro_average).toBeCloseTo((Math.exp(5 / 3) + Math.exp(2)) / 2, 12);
    // Not the mean of per-item perplexities (e^2, e^1, e^2), which the subset rows used to be.
    expect(agg.subsets.find((s) => s.name === 's1')!.score).not.toBeCloseTo((Math.exp(2) + Math.exp(1)) / 2, 3);
  });
  it('word_perplexity, byte_perplexity and bits_per_byte over the answers (lm-eval\'s count_words / count_bytes)', () => {
    // words: "a b" 2, "c" 1, "dé f" 2 = 5; bytes: 3 + 1 + 5 (é is 2 bytes) = 9; sum log p = -11.
    expect(agg.metrics.word_perplexity).toBeCloseTo(Math.exp(11 / 5), 12);
    expect(agg.metrics.byte_perplexity).toBeCloseTo(Math.exp(11 / 9), 12);
    expect(agg.metrics.bits_per_byte).toBeCloseTo(11 / 9 / Math.LN2, 12);
  });
});

describe('5. ROUGE tokenizes as rouge_score by default; CJK-aware only by name', () => {
  it('identical Chinese strings: 0 with rouge_score\'s tokenizer (no tokens), 1 with --rouge-tokenizer cjk', () => {
    expect(rouge('北京是中国的首都', '北京是中国的首都')).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0 });
    expect(rouge('北京是中国的首都', '北京是中国的首都', 'cjk')).toEqual({ rouge1: 1, rouge2: 1, rougeL: 1 });
  });
  it('non-ASCII letters are dropped by rouge_score: "Beijing 北京" against "beijing" is a perfect match', () => {
    expect(rouge('Beijing 北京', 'beijing').rougeL).toBe(1);
    // CJK-aware: pred [beijing, 北, 京] vs ref [beijing]: P = 1/3, R = 1, F = 0.5.
    expect(rouge('Beijing 北京', 'beijing', 'cjk').rouge1).toBeCloseTo(0.5, 12);
  });
  it('general_qa names the CJK-aware metrics and headline apart', async () => {
    const it0: EvalItem = { id: 'q', subset: 'zh', source: 'q', data: { messages: [{ role: 'user', content: 'q' }], answer: '北京' } };
    const base = { seed: 0, allowCodeExecution: false, codeTimeoutMs: 1000 };
    expect(generalQa.generateMetric!({ ...base, rougeTokenizer: 'cjk' })).toBe('rougeL_cjk');
    expect(generalQa.generateMetric!(base)).toBe('rougeL');
    const cjk = await generalQa.scoreGenerate(it0, ['北京'], { ...base, rougeTokenizer: 'cjk' });
    expect(cjk.values).toMatchObject({ rougeL_cjk: 1 });
    expect(cjk.values!.rougeL).toBeUndefined();
    expect((await generalQa.scoreGenerate(it0, ['北京'], base)).values).toMatchObject({ rougeL: 0 });
  });
});

describe('6. TriviaQA: official normalisation and abbreviation-safe extraction', () => {
  it('punctuation and underscores become spaces (triviaqa_evaluation.py)', () => {
    expect(normalizeTriviaQa('Saint-Petersburg')).toBe('saint petersburg');
    expect(normalizeTriviaQa('Ender’s_Game')).toBe('ender s game');
    expect(triviaqaExactMatch('Saint-Petersburg', 'Saint Petersburg')).toBe(1);
    expect(triviaqaF1('Saint-Petersburg', 'Saint Petersburg')).toBe(1);
    expect(triviaqaExactMatch('Ender’s Game', "Ender's Game")).toBe(1);
    expect(triviaqaF1('Ender’s Game', "Ender's Game")).toBe(1);
    // SQuAD's normalisation deletes ASCII punctuation and keeps ’: 0 and 0.5, the numbers llmperf used to report.
    expect(exactMatch('Saint-Petersburg', 'Saint Petersburg')).toBe(0);
    expect(f1Score('Ender’s Game', "Ender's Game")).toBeCloseTo(0.5, 12);
  });
  it('a full stop after an abbreviation or an initial does not end the answer', () => {
    expect(extractShortAnswer('St. Louis')).toBe('St. Louis');
    expect(extractShortAnswer('St. Louis. It lies on the Mississippi.')).toBe('St. Louis');
    expect(extractShortAnswer('J. R. R. Tolkien. He wrote it in 1937.')).toBe('J. R. R. Tolkien');
    expect(triviaqaExactMatch(extractShortAnswer('Washington, D.C.'), 'Washington D.C.')).toBe(1);
    expect(extractShortAnswer('Mars. It is red.')).toBe('Mars');
    expect(extractShortAnswer('Answer: Mt. Everest')).toBe('Mt. Everest');
  });
});

describe('7. per-item BLEU is sacrebleu\'s sentence_bleu (effective order, exp smoothing); corpus BLEU stays the headline', () => {
  it('short answers', () => {
    // One token, equal: precision 100 over the one order it has.
    expect(sentenceBleu('Paris', ['Paris'])).toBeCloseTo(100, 9);
    // "a b" vs "a c": p1 = 1/2 = 50, p2 = 0/1 -> exp smoothing 100 / (2 * 1) = 50; effective order 2 -> 50.
    expect(sentenceBleu('a b', ['a c'])).toBeCloseTo(50, 9);
    // Corpus BLEU over the same one segment counts the missing 3- and 4-grams: 0.
    expect(corpusBleu(['Paris'], [['Paris']]).score).toBe(0);
    expect(corpusBleu(['a b'], [['a c']]).score).toBe(0);
    // Nothing in common: 0, as sacrebleu ("if not any(correct)").
    expect(sentenceBleu('x', ['y'])).toBe(0);
  });
});

describe('8. the small ones', () => {
  it('SQuAD v1.1 F1 is 0 when both sides normalise to empty (EM is 1)', () => {
    expect(f1Score('the', 'a')).toBe(0);
    expect(exactMatch('the', 'a')).toBe(1);
  });
  it('article removal uses Unicode word boundaries, as Python\'s re does', () => {
    // JavaScript's ASCII \b would see a boundary between é and a and delete the final "a".
    expect(normalizeAnswer('Léa')).toBe('léa');
    expect(normalizeAnswer('über a Straße')).toBe('über straße');
    expect(normalizeTriviaQa('Léa the Great')).toBe('léa great');
  });
  it('MATH: Hendrycks\' is_equiv and last_boxed_only_string strictness', () => {
    expect(lastBoxed('so \\fbox{5}')).toBeNull(); // remove_boxed accepts only \boxed{...}
    expect(lastBoxed('\\boxed{3} and later \\fbox{5}')).toBe('3'); // \fbox only when there is no \boxed
    expect(lastBoxed('\\boxed{1} then \\boxed{2}')).toBe('2'); // the last \boxed, as the reference
    expect(latexEquivalent('50%', '50')).toBe(false); // only "\%" is stripped
    expect(latexEquivalent('50\\%', '50')).toBe(true);
    expect(latexEquivalent('03/4', '3/4')).toBe(false); // _fix_a_slash_b asserts "a/b" is written canonically
    expect(latexEquivalent('3/4', '\\frac34')).toBe(true);
    expect(latexEquivalent('\\sqrt2', '\\sqrt{2}')).toBe(true);
    // A normalisation the reference cannot do (two "\text{ ") compares the raw strings.
    expect(latexEquivalent('1\\text{ m}\\text{ s}', '1')).toBe(false);
  });
  it('C-Eval reads "我认为选D。" as D', () => {
    const labels = ['A', 'B', 'C', 'D'];
    expect(extractChoice('我认为选D。', labels)).toBe('D');
    expect(extractChoice('分析如下……所以应选择 B', labels)).toBe('B');
    expect(extractChoice('选项C正确', labels)).toBe('C');
    expect(extractChoice('正确的是A。', labels)).toBe('A');
  });
  it('GSM8K strict = lm-eval\'s first "#### " and a string comparison; the numeric rule is named apart', () => {
    const item: EvalItem = { id: 'g', subset: 'main', source: 'g', data: { question: 'q', solution: 'Work.\n#### 1,234', answer: '1234' } };
    expect(extractGsm8kStrict('#### 5\nthen\n#### 1,234')).toBe('5'); // take_first
    expect(extractGsm8kStrict('####1234')).toBeNull(); // the regex needs "#### "
    expect(extractGsm8kFlexible('so 12 and then 1,234.')).toBe('1,234.'); // group_select -1
    expect(gsm8kExactMatch('1,234.', 'Work.\n#### 1,234')).toBe(1); // "," and a final "." are ignored
    expect(gsm8kExactMatch('1234.0', 'Work.\n#### 1,234')).toBe(0); // strings, not numbers
    expect(scoreWordProblem(item, ['#### 5\nNo wait.\n#### 1234']).values).toEqual({ exact_match_strict: 0, exact_match_flexible: 1, exact_match_numeric: 1 });
    expect(scoreWordProblem(item, ['#### 1234.0']).values).toEqual({ exact_match_strict: 0, exact_match_flexible: 0, exact_match_numeric: 1 });
    expect(scoreWordProblem(item, ['The answer is $1,234']).values).toEqual({ exact_match_strict: 0, exact_match_flexible: 1, exact_match_numeric: 1 });
  });
  it('the pooled headline\'s stderr is lm-eval\'s pooled_sample_stderr', () => {
    // Subsets [1,1,1,0] (mean .75, var 1/4... sample var 0.25) and [1,0] (mean .5, sample var 0.5):
    // pooled var = ((4-1) * 0.25 + (2-1) * 0.5) / (6 - 2) = 1.25 / 4; stderr = sqrt(0.3125 / 6).
    const a = meanWithStderr([1, 1, 1, 0]);
    const b = meanWithStderr([1, 0]);
    expect(pooledStderr([a, b])).toBeCloseTo(Math.sqrt(0.3125 / 6), 12);
    expect(weightedAverage([a, b]).stderr).toBeCloseTo(Math.sqrt(0.3125 / 6), 12);
    // One subset: the plain standard error.
    expect(pooledStderr([a])).toBeCloseTo(a.stderr, 12);
  });
});

describe('notes only for the mode that ran', () => {
  it('general_qa and truthfulqa keep their mode-specific notes apart', async () => {
    const { shippedDataDir } = await import('../../src/eval/load.js');
    const { truthfulqa } = await import('../../src/eval/benchmarks/truthfulqa.js');
    const { join } = await import('node:path');
    const ctx = { seed: 0, limit: null, fewShot: null };
    const qa = await generalQa.load(join(shippedDataDir(), 'general_qa'), ctx);
    expect(qa.notes).toEqual([]);
    expect(qa.modeNotes!.generate!.join(' ')).toMatch(/BLEU/);
    expect(qa.modeNotes!.loglikelihood!.join(' ')).not.toMatch(/BLEU/);
    expect(qa.modeNotes!.loglikelihood!.join(' ')).toMatch(/per token of the server's tokenizer/);
    const tq = await truthfulqa.load(join(shippedDataDir(), 'truthfulqa'), ctx);
    expect(tq.notes).toEqual([]);
    expect(tq.modeNotes!.loglikelihood).toBeUndefined();
  });
});

describe('category rows are groups of subsets, as lm-eval\'s mmlu_stem', () => {
  it('pooled stderr over the category\'s subsets', async () => {
    const { mmlu } = await import('../../src/eval/benchmarks/mmlu.js');
    const mk = (subset: string, values: number[]): ScoredSample[] => values.map((v, i) => ({ item: { id: `${subset}/${i}`, subset, category: 'STEM', source: '', data: {} }, score: { value: v, extracted: null, gold: '' }, texts: [] }));
    const samples = [...mk('physics', [1, 1, 1, 0]), ...mk('chemistry', [1, 0])];
    const agg = aggregateSamples(mmlu, 'accuracy', samples, 0, 'generate');
    const stem = agg.categories.find((c) => c.name === 'STEM')!;
    expect(stem.score).toBeCloseTo(4 / 6, 12);
    expect(stem.stderr).toBeCloseTo(Math.sqrt(0.3125 / 6), 12);
    expect(agg.stderr).toBeCloseTo(Math.sqrt(0.3125 / 6), 12);
  });
});
