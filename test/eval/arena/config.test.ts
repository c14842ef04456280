// arena.yaml validation: typed defaults, relative paths, and one-line errors that name file:line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArenaConfig, parseArenaConfig } from '../../../src/eval/arena/config.js';
import { fillTemplate, loadPrompts } from '../../../src/eval/arena/prompts.js';
import { loadQuestions } from '../../../src/eval/arena/questions.js';
import { UsageError } from '../../../src/errors.js';

const BASE = ['questions: q.jsonl', 'candidates:', '  - { name: a, url: sim }', '  - { name: b, url: "http://127.0.0.1:9/v1", model: m, key_env: MY_KEY }', 'judge: { url: sim }'];

function errorOf(text: string): string {
  try {
    parseArenaConfig(text, 'arena.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-arena-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseArenaConfig', () => {
  it('fills Chatbot Arena defaults and resolves paths against the config folder', () => {
    const config = parseArenaConfig(BASE.join('\n'), join(dir, 'arena.yaml'));
    expect(config.questionsPath).toBe(join(dir, 'q.jsonl'));
    expect(config.modes).toEqual(['pairwise']);
    expect(config.candidates[0]).toEqual({ name: 'a', url: null, model: null, keyEnv: null, sim: {} });
    expect(config.candidates[1]).toMatchObject({ url: 'http://127.0.0.1:9/v1', model: 'm', keyEnv: 'MY_KEY' });
    expect(config.judge.name).toBe('judge');
    expect(config.rating).toMatchObject({ init: 1000, k: 4, scale: 400, base: 10, bootstrapRounds: 100, ciLowerPct: 2.5, ciUpperPct: 97.5, anchor: null });
    expect(config.cache).toBe(true);
  });

  it('reads modes as a list, the baseline, the anchor and rating overrides', () => {
    const config = parseArenaConfig([...BASE, 'mode: [single, baseline]', 'baseline: b', 'rating: { k: 32, ci: [5, 95], anchor: { model: a, rating: 1200 } }'].join('\n'), 'arena.yaml');
    expect(config.modes).toEqual(['single', 'baseline']);
    expect(config.baseline).toBe('b');
    expect(config.rating).toMatchObject({ k: 32, ciLowerPct: 5, ciUpperPct: 95, anchor: { model: 'a', rating: 1200 } });
  });

  it('names the file and line of each mistake', () => {
    expect(errorOf([...BASE, 'mode: tournament'].join('\n'))).toMatch(/^arena\.yaml:6: mode: must be one of single, baseline, pairwise/);
    expect(errorOf([...BASE, 'mode: baseline'].join('\n'))).toMatch(/^arena\.yaml:\d+: baseline: is required for mode baseline/);
    expect(errorOf([...BASE, 'mode: baseline', 'baseline: zzz'].join('\n'))).toMatch(/^arena\.yaml:7: baseline: must name a candidate \(a, b\)/);
    expect(errorOf([...BASE, 'rating:', '  k: -1'].join('\n'))).toMatch(/^arena\.yaml:7: rating\.k: must be a number from 0 to 1000/);
    expect(errorOf([...BASE, 'ratings: {}'].join('\n'))).toMatch(/^arena\.yaml:6: ratings: unknown key/);
    expect(errorOf(BASE.map((l) => l.replace('url: sim }', 'url: ftp://x }')).join('\n'))).toMatch(/^arena\.yaml:3: candidates\[0\]\.url: must be http/);
    expect(errorOf(['questions: q.jsonl', 'candidates:', '  - { name: a }', 'judge: { url: sim }'].join('\n'))).toMatch(/^arena\.yaml:3: candidates: must list at least two/);
    expect(errorOf([...BASE, '  - { name: a, url: sim }'].join('\n').replace('judge: { url: sim }\n', '') + '\njudge: {}')).toMatch(/duplicate candidate name "a"/);
    expect(errorOf('questions: [unclosed')).toMatch(/^arena\.yaml:1: not valid YAML/);
    expect(errorOf([...BASE, 'rating: { anchor: { model: nobody } }'].join('\n'))).toMatch(/rating\.anchor\.model: must name a candidate/);
  });

  it('reports an unreadable config file', () => {
    expect(() => loadArenaConfig(join(dir, 'missing.yaml'))).toThrow(/--config .*missing\.yaml: cannot read \(ENOENT\)/);
  });
});

describe('loadQuestions', () => {
  it('reads question, category, reference and MT-bench turns; errors name file:line', () => {
    const file = join(dir, 'q.jsonl');
    writeFileSync(file, ['{"question": "one?"}', '', '{"turns": ["two?", "follow-up"], "category": "mt", "reference": ["2"]}', '{"question": "three?", "reference": "3"}'].join('\n'));
    expect(loadQuestions(file)).toEqual([
      { id: 0, question: 'one?', category: 'general', reference: null, turn2: null, reference2: null },
      // The second turn is kept now (it is asked and judged on its own); the reference list has none for it.
      { id: 1, question: 'two?', category: 'mt', reference: '2', turn2: 'follow-up', reference2: null },
      { id: 2, question: 'three?', category: 'general', reference: '3', turn2: null, reference2: null },
    ]);
    expect(loadQuestions(file, 2)).toHaveLength(2);
    writeFileSync(file, '{"question": "ok"}\n{"answer": "no question"}\n');
    expect(() => loadQuestions(file)).toThrow(/q\.jsonl:2: missing "question"/);
    writeFileSync(file, '{"question": "ok"}\nnot json\n');
    expect(() => loadQuestions(file)).toThrow(/q\.jsonl:2: not valid JSON/);
  });
});

describe('prompts', () => {
  it('ships every template with the markers the judge test double and users expect', () => {
    const prompts = loadPrompts({ pairwise: null, pairwise_reference: null, single: null, single_reference: null });
    expect(prompts.pairwise).toContain("[The Start of Assistant A's Answer]");
    expect(prompts.pairwise_reference).toContain('{reference}');
    expect(prompts.single).toContain("[The Start of Assistant's Answer]");
    expect(prompts.single).toContain('Rating: [[N]]');
  });

  it('uses a user template and refuses one without its placeholders', () => {
    const good = join(dir, 'mine.txt');
    writeFileSync(good, 'Q: {question}\nA: {answer_a}\nB: {answer_b}\nSay [[A]] or [[B]].');
    expect(loadPrompts({ pairwise: good, pairwise_reference: null, single: null, single_reference: null }).pairwise).toMatch(/^Q: \{question\}/);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'Q: {question}\nA: {answer_a}');
    expect(() => loadPrompts({ pairwise: bad, pairwise_reference: null, single: null, single_reference: null })).toThrow(/prompts\.pairwise .*bad\.txt: missing placeholder \{answer_b\}/);
  });

  it('fills placeholders in one pass, so answers quoting a placeholder stay verbatim', () => {
    expect(fillTemplate('{answer_a}|{answer_b}', { answer_a: 'I say {answer_b}', answer_b: 'B' })).toBe('I say {answer_b}|B');
  });
});
