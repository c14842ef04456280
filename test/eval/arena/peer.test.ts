// Peer examination against simulators whose answer quality (length) and judge rules are known: the truth is the length order.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { arenaAction } from '../../../src/cli/arena.js';
import { parseArenaConfig } from '../../../src/eval/arena/config.js';
import type { ArenaDocument } from '../../../src/eval/arena/run.js';

const QUESTIONS = ['Why is the sea salty?', 'Name a sorting algorithm.', 'Describe a rainy morning.'].map((question) => ({ question, category: 'general' }));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-peer-'));
  writeFileSync(join(dir, 'questions.jsonl'), QUESTIONS.map((q) => JSON.stringify(q)).join('\n') + '\n');
  // MT-bench's layout: two questions with a second turn, one without.
  const twoTurn = [
    { question_id: 1, category: 'writing', turns: ['Describe a rainy morning.', 'Now retell it from the point of view of the cat.'] },
    { question_id: 2, category: 'reasoning', turns: ['Why is the sea salty?', 'Then why are rivers not salty?'] },
    { question_id: 3, category: 'general', turns: ['Name a sorting algorithm.'] },
  ];
  writeFileSync(join(dir, 'two-turn.jsonl'), twoTurn.map((q) => JSON.stringify(q)).join('\n') + '\n');
});

/** Four simulated candidates; longer answers are better (tokens 8 < 16 < 24 < 32). The weakest one judges backwards. */
function config(mode: string, questions = 'questions.jsonl'): string {
  const file = join(dir, `arena-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, [
    `questions: ${questions}`,
    `mode: ${mode}`,
    'candidates:',
    '  - { name: a, url: sim, sim: { outputTokens: 8, judgeRule: shorter, ttftMs: 0, itlMs: 0 } }',
    '  - { name: b, url: sim, sim: { outputTokens: 16, ttftMs: 0, itlMs: 0 } }',
    '  - { name: c, url: sim, sim: { outputTokens: 24, ttftMs: 0, itlMs: 0 } }',
    '  - { name: d, url: sim, sim: { outputTokens: 32, ttftMs: 0, itlMs: 0 } }',
    // The single central judge has the same bias as candidate a: it prefers shorter answers.
    'judge: { name: biased, url: sim, sim: { judgeRule: shorter, ttftMs: 0, itlMs: 0 } }',
    'rating: { bootstrap_rounds: 10 }',
  ].join('\n'));
  return file;
}

const outDirs = new Map<ArenaDocument, string>();
const outDirOf = (doc: ArenaDocument): string => outDirs.get(doc)!;

const consoleText = new Map<ArenaDocument, string>();

async function run(mode: string, questions?: string): Promise<ArenaDocument> {
  const out = mkdtempSync(join(tmpdir(), 'llmperf-peer-out-'));
  let text = '';
  await arenaAction({ config: config(mode, questions), out, cache: false, quiet: true }, (t) => (text += t));
  const doc = JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')) as ArenaDocument;
  outDirs.set(doc, out);
  consoleText.set(doc, text);
  return doc;
}

describe('arena mode: peer', () => {
  it('the weighted ranking recovers the true order; one biased judge and the unweighted peer vote do not', async () => {
    const doc = await run('[pairwise, peer]');
    // One biased referee ranks everything backwards.
    expect(doc.modes.pairwise!.leaderboard.map((r) => r.model)).toEqual(['a', 'b', 'c', 'd']);
    const peer = doc.modes.peer!;
    expect(peer.leaderboard.map((r) => r.model)).toEqual(['d', 'c', 'b', 'a']);
    expect(peer.converged).toBe(true);
    const row = (m: string) => peer.leaderboard.find((r) => r.model === m)!;
    // Unweighted, each pair among b, c, d gets one vote each way (a's backwards vote, one honest vote): a three-way tie.
    expect(Math.abs(row('b').unweighted_rating - row('d').unweighted_rating)).toBeLessThan(1e-6);
    expect(row('d').weighted_rating - row('c').weighted_rating).toBeGreaterThan(5);
    expect(row('c').weighted_rating - row('b').weighted_rating).toBeGreaterThan(5);
    // The backwards judge ends with the least weight; weights sum to 1.
    expect(Math.min(...peer.leaderboard.map((r) => r.judge_weight))).toBe(row('a').judge_weight);
    expect(peer.leaderboard.reduce((s, r) => s + r.judge_weight, 0)).toBeCloseTo(1, 9);
  });

  it('never lets a model judge itself, asks both orders, and reports agreement and cost', async () => {
    const doc = await run('peer');
    const peer = doc.modes.peer!;
    expect(peer.battles.every((b) => b.judge !== b.model_a && b.judge !== b.model_b)).toBe(true);
    // Each judge: 3 pairs of the other models x 2 orders x 3 questions = 18 requests.
    expect(peer.cost.judge_requests).toEqual({ a: 18, b: 18, c: 18, d: 18 });
    expect(peer.cost.total_judge_requests).toBe(72);
    expect(doc.perf.peer_judges!.map((p) => p.requests)).toEqual([18, 18, 18, 18]);
    // No central judging in a peer-only run.
    expect(doc.perf.judge.requests).toBe(0);
    // a and b both judge (c, d): a picks c, b picks d, every time. b and c both judge (a, d) and agree.
    const { judges, rate, shared } = peer.agreement;
    const at = (x: string, y: string) => [rate[judges.indexOf(x)]![judges.indexOf(y)], shared[judges.indexOf(x)]![judges.indexOf(y)]];
    expect(at('a', 'b')).toEqual([0, 3]);
    expect(at('b', 'c')).toEqual([1, 3]);
    for (const r of peer.leaderboard) expect(r.self_preference === null || (r.self_preference >= 0 && r.self_preference <= 1)).toBe(true);
    const html = readFileSync(join(outDirOf(doc), 'arena.html'), 'utf8');
    expect(html).toContain('id="arena-peer-leaderboard"');
    expect(html).toContain('id="arena-peer-agreement"');
    expect(html).toContain('peer judge');
  });

  it('judges MT-bench second turns too: per-turn ratings, and the weighted ranking recovers the true order on each turn', async () => {
    const doc = await run('[pairwise, peer]', 'two-turn.jsonl');
    const peer = doc.modes.peer!;
    const turn2 = peer.turn2!;
    // The central biased referee is backwards on both turns; the weighted peers recover the truth on both.
    expect(doc.modes.pairwise!.turn2!.leaderboard.map((r) => r.model)).toEqual(['a', 'b', 'c', 'd']);
    expect(peer.leaderboard.map((r) => r.model)).toEqual(['d', 'c', 'b', 'a']);
    expect(turn2.leaderboard.map((r) => r.model)).toEqual(['d', 'c', 'b', 'a']);
    expect(turn2.converged).toBe(true);
    const row = (m: string) => turn2.leaderboard.find((r) => r.model === m)!;
    expect(row('d').weighted_rating - row('c').weighted_rating).toBeGreaterThan(5);
    expect(row('c').weighted_rating - row('b').weighted_rating).toBeGreaterThan(5);
    // Second-turn battles: only the two two-turn questions, never judged by a party to them, on whole conversations.
    expect(new Set(turn2.battles.map((b) => b.question_id))).toEqual(new Set([0, 1]));
    expect(turn2.battles.every((b) => b.judge !== b.model_a && b.judge !== b.model_b && b.status === 'decided')).toBe(true);
    const battle = turn2.battles.find((b) => b.question_id === 1 && b.model_a === 'b' && b.model_b === 'c')!;
    expect(battle.question).toBe('Then why are rivers not salty?');
    expect(battle.answer_a!.startsWith(`### User:\nWhy is the sea salty?\n\n### Assistant:\n${doc.answers.b![1]!.answer}\n\n### User:\nThen why are rivers not salty?`)).toBe(true);
    // Cost per turn: 3 pairs x 2 orders x 3 questions on turn 1, x 2 questions on turn 2; the perf counts both.
    expect(peer.cost.judge_requests).toEqual({ a: 18, b: 18, c: 18, d: 18 });
    expect(turn2.cost.judge_requests).toEqual({ a: 12, b: 12, c: 12, d: 12 });
    expect(doc.perf.peer_judges!.map((p) => p.requests)).toEqual([30, 30, 30, 30]);
    expect(consoleText.get(doc)).toMatch(/peer, second turn \(MT-bench two-turn questions\)/);
    const html = readFileSync(join(outDirOf(doc), 'arena.html'), 'utf8');
    expect(html).toContain('id="arena-peer-turn2-leaderboard"');
    expect(html).toContain('id="arena-peer-turn2-agreement"');
  });

  it('--dry-run counts the second-turn peer requests', async () => {
    let text = '';
    await arenaAction({ config: config('peer', 'two-turn.jsonl'), dryRun: true, out: mkdtempSync(join(tmpdir(), 'llmperf-peer-dry-')), cache: false, quiet: true }, (t) => (text += t));
    expect(text).toMatch(/120 requests to the candidates themselves \(48 of them on second turns\)/);
  });

  it('needs at least three candidates', () => {
    const text = ['questions: q.jsonl', 'mode: peer', 'candidates:', '  - { name: a, url: sim }', '  - { name: b, url: sim }', 'judge: { name: j, url: sim }'].join('\n');
    expect(() => parseArenaConfig(text, join(dir, 'arena.yaml'))).toThrow(/peer needs at least 3 candidates/);
  });
});
