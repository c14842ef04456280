// MT-bench two-turn questions: the second turn is asked with the model's own first answer and judged on its own.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { arenaAction } from '../../../src/cli/arena.js';
import { loadQuestions } from '../../../src/eval/arena/questions.js';
import { chatJob } from '../../../src/eval/arena/requests.js';
import type { ArenaDocument } from '../../../src/eval/arena/run.js';
import { secondTurnHistory, transcript } from '../../../src/eval/arena/turn2.js';

const QUESTIONS = [
  { question_id: 81, category: 'writing', turns: ['Write a haiku about rain.', 'Now rewrite it so every line starts with R.'] },
  { question_id: 82, category: 'math', turns: ['What is 7 times 8?', 'And 7 times 9?'], reference: ['56', '63'] },
  { question_id: 83, category: 'general', turns: ['Name a sorting algorithm.'] },
];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-two-turn-'));
  writeFileSync(join(dir, 'question.jsonl'), QUESTIONS.map((q) => JSON.stringify(q)).join('\n') + '\n');
});

describe('two-turn questions', () => {
  it('loads MT-bench\'s format with both turns and both references', () => {
    const qs = loadQuestions(join(dir, 'question.jsonl'));
    expect(qs[1]).toMatchObject({ question: 'What is 7 times 8?', turn2: 'And 7 times 9?', reference: '56', reference2: '63' });
    expect(qs[2]!.turn2).toBe(null);
  });
  it('sends the second turn with the model\'s own first answer in the history', () => {
    const q = loadQuestions(join(dir, 'question.jsonl'))[1]!;
    expect(chatJob(secondTurnHistory(q, 'It is 56.'), { maxTokens: 64, temperature: 0 }).body.messages).toEqual([
      { role: 'user', content: 'What is 7 times 8?' },
      { role: 'assistant', content: 'It is 56.' },
      { role: 'user', content: 'And 7 times 9?' },
    ]);
    expect(transcript(q, 'It is 56.', 'It is 63.')).toBe('### User:\nWhat is 7 times 8?\n\n### Assistant:\nIt is 56.\n\n### User:\nAnd 7 times 9?\n\n### Assistant:\nIt is 63.');
  });

  it('judges each turn apart in single and pairwise mode, against simulators', async () => {
    const file = join(dir, 'arena.yaml');
    writeFileSync(file, [
      'questions: question.jsonl',
      'mode: [single, pairwise]',
      'candidates:',
      ...['small', 'medium', 'large'].map((name, i) => `  - { name: ${name}, url: sim, sim: { outputTokens: ${8 * (i + 1)}, ttftMs: 0, itlMs: 0 } }`),
      'judge: { name: judge, url: sim, sim: { judgeRule: longer, ttftMs: 0, itlMs: 0 } }',
      'rating: { bootstrap_rounds: 10 }',
    ].join('\n'));
    const out = mkdtempSync(join(tmpdir(), 'llmperf-two-turn-out-'));
    let text = '';
    await arenaAction({ config: file, out, cache: false, quiet: true }, (t) => (text += t));
    const doc = JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')) as ArenaDocument;
    // Second answers exist only for the two questions that have a second turn.
    const small = doc.answers.small!;
    expect(small.map((a) => typeof a.answer_turn2)).toEqual(['string', 'string', 'undefined']);
    expect(doc.perf.second_turns!.map((p) => p.requests)).toEqual([2, 2, 2]);
    const turn2 = doc.modes.pairwise!.turn2!;
    // 2 two-turn questions x 3 pairs; the judge sees each model's whole conversation, its own first answer included.
    expect(turn2.battles).toHaveLength(6);
    const battle = turn2.battles.find((b) => b.model_a === 'small' && b.question_id === 1)!;
    expect(battle.question).toBe('And 7 times 9?');
    expect(battle.reference).toBe('63');
    expect(battle.answer_a!.startsWith(`### User:\nWhat is 7 times 8?\n\n### Assistant:\n${small[1]!.answer}\n\n### User:\nAnd 7 times 9?`)).toBe(true);
    expect(turn2.leaderboard.map((r) => r.model)).toEqual(['large', 'medium', 'small']);
    expect(doc.modes.pairwise!.battles).toHaveLength(9);
    expect(doc.modes.single!.turn2!.grades).toHaveLength(6);
    expect(doc.modes.single!.turn2!.grades.every((g) => g.status === 'graded')).toBe(true);
    expect(text).toMatch(/pairwise, second turn/);
    const html = readFileSync(join(out, 'arena.html'), 'utf8');
    expect(html).toContain('id="arena-pairwise-turn2-leaderboard"');
    expect(html).toContain('id="arena-pairwise-leaderboard"');
  });
});
