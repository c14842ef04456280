// IFEval rule checks against values worked out by hand from google-research's instructions.py / lm-eval's utils.py.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateSamples } from '../../src/eval/aggregate.js';
import { buildCheck, followList, looseVariants } from '../../src/eval/benchmarks/ifeval-checks.js';
import { countSentences, countWords, isUpper, splitIntoSentences } from '../../src/eval/benchmarks/ifeval-text.js';
import { ifeval, scoreIfeval } from '../../src/eval/benchmarks/ifeval.js';
import { shippedDataDir } from '../../src/eval/load.js';
import { UsageError } from '../../src/errors.js';
import type { EvalItem } from '../../src/eval/types.js';

const check = (id: string, kwargs: Record<string, unknown>, response: string): boolean => buildCheck(id, kwargs, 'p', 't:1')(response);
const item = (instructions: string[], kwargs: Record<string, unknown>[]): EvalItem => ({ id: 'x', subset: 'ifeval', source: 't:1', data: { key: '1', prompt: 'p', instructions, kwargs, sampleResponse: null, sampleWrongResponse: null } });

describe('IFEval text counters (instructions_util.py)', () => {
  it('splits sentences by the rule splitter: "Mr." and "3.5" do not end a sentence, "..." does', () => {
    expect(splitIntoSentences('Mr. Smith paid 3.5 dollars. Then he left! Why?')).toEqual(['Mr. Smith paid 3.5 dollars.', 'Then he left!', 'Why?']);
    expect(countSentences('Wait... what. Ok')).toBe(3);
  });
  it('counts \\w+ words (underscores and digits join a word, apostrophes split it)', () => {
    // "don't" -> don, t; "snake_case" one; "42" one: 5 words.
    expect(countWords("don't snake_case 42 go")).toBe(5);
  });
  it('isupper as Python: needs a cased letter, digits and punctuation are neutral', () => {
    expect([isUpper('NASA'), isUpper('A1'), isUpper('123'), isUpper('Nasa')]).toEqual([true, true, false, false]);
  });
});

describe('IFEval checks, one hand-worked case each', () => {
  it('keywords', () => {
    expect(check('keywords:existence', { keywords: ['Cat', 'reward'] }, 'a cat; a REWARD')).toBe(true);
    expect(check('keywords:existence', { keywords: ['cat', 'dog'] }, 'a cat')).toBe(false);
    // "the" appears in "The", "then", "other": 3 case-insensitive matches (no word boundary in the reference).
    expect(check('keywords:frequency', { keyword: 'the', frequency: 3, relation: 'at least' }, 'The then other')).toBe(true);
    expect(check('keywords:frequency', { keyword: 'the', frequency: 3, relation: 'less than' }, 'The then other')).toBe(false);
    // Forbidden words need word boundaries: "speedy" does not contain the word "speed".
    expect(check('keywords:forbidden_words', { forbidden_words: ['speed'] }, 'a speedy bike')).toBe(true);
    expect(check('keywords:forbidden_words', { forbidden_words: ['speed'] }, 'top Speed')).toBe(false);
    // "Eerie eel": e,e,e,e,e = 5 after lowercasing.
    expect(check('keywords:letter_frequency', { letter: 'E', let_frequency: 5, let_relation: 'at least' }, 'Eerie eel')).toBe(true);
    expect(check('keywords:letter_frequency', { letter: 'e', let_frequency: 5, let_relation: 'less than' }, 'Eerie eel')).toBe(false);
  });
  it('length constraints', () => {
    expect(check('length_constraints:number_words', { num_words: 3, relation: 'less than' }, 'one two')).toBe(true);
    expect(check('length_constraints:number_words', { num_words: 3, relation: 'less than' }, 'one two three')).toBe(false);
    expect(check('length_constraints:number_sentences', { num_sentences: 2, relation: 'at least' }, 'One. Two.')).toBe(true);
    // "***" separates paragraphs; an empty paragraph is allowed only at either end.
    expect(check('length_constraints:number_paragraphs', { num_paragraphs: 2 }, 'a\n***\nb\n***')).toBe(true);
    expect(check('length_constraints:number_paragraphs', { num_paragraphs: 2 }, 'a\n***\n***\nb')).toBe(false);
    const first = { num_paragraphs: 2, nth_paragraph: 2, first_word: 'Libraries' };
    expect(check('length_constraints:nth_paragraph_first_word', first, 'x\n\n"Libraries, too."')).toBe(true);
    expect(check('length_constraints:nth_paragraph_first_word', first, 'x\n\nBooks.')).toBe(false);
    expect(check('length_constraints:nth_paragraph_first_word', first, 'x\n\nLibraries.\n\nThird.')).toBe(false);
  });
  it('detectable content and format', () => {
    expect(check('detectable_content:number_placeholders', { num_placeholders: 2 }, '[a] and [b]')).toBe(true);
    expect(check('detectable_content:postscript', { postscript_marker: 'P.S.' }, 'hi\np.s. bye')).toBe(true);
    expect(check('detectable_content:postscript', { postscript_marker: 'P.P.S' }, 'hi\nP. P. S more')).toBe(true);
    // "* a" and "- b" are bullets; "**bold**" is not (the character after "*" must not be "*").
    expect(check('detectable_format:number_bullet_lists', { num_bullets: 2 }, '* a\n- b\n**bold**')).toBe(true);
    expect(check('detectable_format:constrained_response', {}, ' My answer is no. ')).toBe(true);
    // "*a*" counts 1; "**b**" counts 1 as a double highlight; "**" alone counts 0: 2 in all.
    expect(check('detectable_format:number_highlighted_sections', { num_highlights: 2 }, '*a* and **b** and **')).toBe(true);
    expect(check('detectable_format:number_highlighted_sections', { num_highlights: 3 }, '*a* and **b** and **')).toBe(false);
    expect(check('detectable_format:multiple_sections', { section_spliter: 'Section', num_sections: 2 }, 'Section 1\na\nSection 2\nb')).toBe(true);
    expect(check('detectable_format:json_format', {}, '```json\n{"a": 1}\n```')).toBe(true);
    expect(check('detectable_format:json_format', {}, 'Here: {"a": 1}')).toBe(false);
    expect(check('detectable_format:title', {}, '<<Autumn>>\ntext')).toBe(true);
    expect(check('detectable_format:title', {}, '<< >>\ntext')).toBe(false);
  });
  it('combination, start/end, case, punctuation', () => {
    expect(check('combination:two_responses', {}, 'one\n******\ntwo')).toBe(true);
    expect(check('combination:two_responses', {}, 'same\n******\nsame')).toBe(false);
    expect(check('combination:repeat_prompt', { prompt_to_repeat: 'What is X?' }, 'what is x? It is Y.')).toBe(true);
    expect(check('startend:end_checker', { end_phrase: 'Any other questions?' }, '"Done. any other questions?"\n')).toBe(true);
    expect(check('startend:quotation', {}, ' "quoted" ')).toBe(true);
    expect(check('startend:quotation', {}, '"')).toBe(false);
    // Tokens YOU, WORK, I-TEAM count; "Ok" does not: 3.
    expect(check('change_case:capital_word_frequency', { capital_frequency: 3, capital_relation: 'at least' }, 'YOU do the WORK, I-TEAM. Ok')).toBe(true);
    expect(check('punctuation:no_comma', {}, 'a, b')).toBe(false);
  });
  it('bad kwargs and unknown ids are usage errors naming the line', () => {
    expect(() => buildCheck('keywords:frequency', { keyword: 'a', frequency: 2, relation: 'more than' }, 'p', 'f.jsonl:3')).toThrow(/f\.jsonl:3: kwargs\.relation/);
    expect(() => buildCheck('language:response_language', { language: 'de' }, 'p', 'f.jsonl:4')).toThrow(UsageError);
  });
});

describe('strict and loose (utils.py), prompt and instruction level', () => {
  it('loose tries the response without its first line, last line, both, and without asterisks: 8 variants', () => {
    expect(looseVariants('Sure!\n*body*\nBye')).toEqual(['Sure!\n*body*\nBye', 'Sure!\nbody\nBye', '*body*\nBye', 'Sure!\n*body*', '*body*', 'body\nBye', 'Sure!\nbody', 'body']);
  });
  it('a chatty first line fails strict and passes loose; an empty reply follows nothing', () => {
    const json = buildCheck('detectable_format:json_format', {}, 'p', 't');
    expect(followList([json], 'Here is the JSON:\n{"a": 1}')).toEqual({ strict: [false], loose: [true] });
    // no_comma holds for "" by its rule, but the reference requires a non-empty response.
    expect(followList([buildCheck('punctuation:no_comma', {}, 'p', 't')], '  ')).toEqual({ strict: [false], loose: [false] });
  });
  it('instruction level pools instructions across prompts; prompt level needs all of a prompt', async () => {
    // Prompt A: 2 instructions, reply follows 1 (no_comma yes, quotation no). Prompt B: 1 instruction, followed.
    const a = item(['punctuation:no_comma', 'startend:quotation'], [{}, {}]);
    const b = item(['detectable_format:title'], [{}]);
    const sa = scoreIfeval(a, 'no commas here');
    const sb = scoreIfeval(b, '<<T>>');
    expect(sa.values).toEqual({ prompt_level_strict_acc: 0, prompt_level_loose_acc: 0 });
    expect(sb.values).toEqual({ prompt_level_strict_acc: 1, prompt_level_loose_acc: 1 });
    const agg = aggregateSamples(ifeval, 'prompt_level_strict_acc', [{ item: a, score: sa, texts: [] }, { item: b, score: sb, texts: [] }], 0, 'generate');
    // prompt level: (0 + 1) / 2 = 0.5; instruction level: (1 + 1) / 3 = 0.667 (pooled, not the mean 0.75 of per-prompt ratios).
    expect(agg.score).toBe(0.5);
    expect(agg.metrics.inst_level_strict_acc).toBeCloseTo(2 / 3, 12);
    expect(agg.metrics.inst_level_loose_acc).toBeCloseTo(2 / 3, 12);
  });
});

describe('the IFEval adapter on the published layout', () => {
  it('every shipped sample reply follows all its instructions strictly; every wrong one follows none, even loosely', async () => {
    const loaded = await ifeval.load(join(shippedDataDir(), 'ifeval'), { seed: 0, limit: null, fewShot: null });
    expect(loaded.items.length).toBeGreaterThanOrEqual(14);
    for (const it of loaded.items) {
      const { sampleResponse, sampleWrongResponse } = it.data as { sampleResponse: string; sampleWrongResponse: string };
      expect([it.id, scoreIfeval(it, sampleResponse).extracted]).toEqual([it.id, 'all followed']);
      expect([it.id, scoreIfeval(it, sampleWrongResponse).counts]).toEqual([it.id, { instructions: expect.any(Number), inst_strict_followed: 0, inst_loose_followed: 0 }]);
    }
    const ids = new Set(loaded.items.flatMap((i) => (i.data as { instructions: string[] }).instructions));
    expect(ids.size).toBeGreaterThanOrEqual(22);
  });
  it('refuses a file using ids it cannot check, listing each with its count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ifeval-'));
    mkdirSync(join(dir, 'ifeval'));
    const rows = [
      { key: 1, prompt: 'a', instruction_id_list: ['language:response_language'], kwargs: [{ language: 'de', num_words: null }] },
      { key: 2, prompt: 'b', instruction_id_list: ['language:response_language', 'change_case:english_capital'], kwargs: [{ language: 'fr' }, {}] },
      { key: 3, prompt: 'c', instruction_id_list: ['punctuation:no_comma'], kwargs: [{ num_words: null }] },
    ];
    writeFileSync(join(dir, 'ifeval', 'input_data.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    await expect(ifeval.load(join(dir, 'ifeval'), { seed: 0, limit: null, fewShot: null })).rejects.toThrow(/language:response_language \(2 prompts, needs a language detector\), change_case:english_capital \(1 prompt/);
  });
});
