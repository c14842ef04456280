// End to end against simulators: candidates of different answer lengths, a rule-based judge, all three modes, dry run, cache.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arenaAction, arenaCommand } from '../../../src/cli/arena.js';
import type { ArenaDocument } from '../../../src/eval/arena/run.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';

const QUESTIONS = [
  { question: 'Why is the sea salty?', category: 'science' },
  { question: 'Name a sorting algorithm and its complexity.', category: 'computing' },
  { question: 'What is 7 times 8?', category: 'math', reference: '56' },
  { question: 'Describe a rainy morning.', category: 'writing' },
];

let dir: string;
let candidates: MockServer[] = [];
const started: MockServer[] = [];

async function sim(options: Record<string, unknown>): Promise<MockServer> {
  const server = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, ...options });
  started.push(server);
  return server;
}

function writeConfig(judge: MockServer, extra: string, mode = '[single, baseline, pairwise]'): string {
  const file = join(dir, `arena-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      'questions: questions.jsonl',
      `mode: ${mode}`,
      'baseline: medium',
      'candidates:',
      ...['small', 'medium', 'large'].map((name, i) => `  - { name: ${name}, url: "${candidates[i]!.url}" }`),
      `judge: { name: judge, url: "${judge.url}/v1" }`,
      'rating: { bootstrap_rounds: 20 }',
      extra,
    ].join('\n'),
  );
  return file;
}

async function run(config: string, out: string, cache = true): Promise<{ doc: ArenaDocument; text: string }> {
  let text = '';
  await arenaAction({ config, out, cache, quiet: true }, (t) => (text += t));
  return { doc: JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')) as ArenaDocument, text };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-arena-'));
  writeFileSync(join(dir, 'questions.jsonl'), QUESTIONS.map((q) => JSON.stringify(q)).join('\n') + '\n');
  // Answer lengths differ only through outputTokens: 8 < 20 < 40 tokens.
  candidates = [await sim({ model: 'm-small', outputTokens: 8 }), await sim({ model: 'm-medium', outputTokens: 20 }), await sim({ model: 'm-large', outputTokens: 40 })];
});

afterEach(async () => {
  for (const server of started.splice(3)) await server.close();
});

afterAll(async () => {
  for (const server of started) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llmperf arena against simulators', () => {
  it('ranks longer answers first in all three modes under a "longer" judge, and writes every output', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'longer' });
    const out = join(dir, 'out-longer');
    const { doc, text } = await run(writeConfig(judge, ''), out);
    expect(doc.modes.single!.leaderboard.map((r) => r.model)).toEqual(['large', 'medium', 'small']);
    expect(doc.modes.baseline!.leaderboard.map((r) => r.model)).toEqual(['large', 'medium', 'small']);
    expect(doc.modes.pairwise!.leaderboard.map((r) => r.model)).toEqual(['large', 'medium', 'small']);
    // Every battle was decided and consistent; one side always wins, so separation is reported.
    const pairwise = doc.modes.pairwise!;
    expect(pairwise.counts).toMatchObject({ planned: 12, decided: 12, ties: 0, unparsable: 0, judge_errors: 0 });
    expect(pairwise.note).toMatch(/perfect separation/);
    pairwise.leaderboard.forEach((row) => expect(Number.isFinite(row.rating) && Number.isFinite(row.ci_lower) && Number.isFinite(row.ci_upper)).toBe(true));
    expect(pairwise.matrices.models).toEqual(['large', 'medium', 'small']);
    expect(pairwise.matrices.win_fraction[0]![2]).toBe(1);
    expect(pairwise.matrices.battle_count[0]![1]).toBe(4);
    // Baseline battles are only against the baseline.
    expect(doc.modes.baseline!.battles.every((b) => b.model_a === 'medium')).toBe(true);
    expect(doc.modes.baseline!.matrices.battle_count[0]![2]).toBe(0);
    // Auditable battles: question, both answers, both judgments and verdicts.
    const battle = pairwise.battles[0]!;
    expect(battle.question).toBe(QUESTIONS[0]!.question);
    expect(battle.answer_a!.length).toBeGreaterThan(0);
    expect(battle.judgment_ab).toMatch(/\[\[[AB]\]\]/);
    expect(battle.judgment_ba).toMatch(/\[\[[AB]\]\]/);
    expect([battle.verdict_ab, battle.verdict_ba]).toEqual(['B', 'A']); // small (A) loses to medium (B), then swapped
    // Single: scores, stderr, unparsable share; the question with a reference used the reference prompt.
    expect(doc.modes.single!.leaderboard[0]!.unparsable_share).toBe(0);
    expect(doc.modes.single!.leaderboard[0]!.n).toBe(4);
    // Judge requests: 12 single + 24 pairwise; the 16 baseline prompts are among the pairwise ones.
    expect(doc.perf.judge).toMatchObject({ requests: 36, sent: 36, cached: 0, failed: 0 });
    expect((await judge.stats()).requests).toBe(36);
    expect(doc.perf.judge.result?.summary.succeeded).toBe(36);
    const bodies = (await judge.stats()).recentBodies as { messages: { content: string }[] }[];
    expect(bodies.some((b) => b.messages[0]!.content.includes('[Reference Answer]\n56'))).toBe(true);
    // Files: PNGs are real PNGs, the HTML has the leaderboards and heatmaps with escaped text.
    for (const id of ['arena-pairwise-win-fraction', 'arena-pairwise-battle-count', 'arena-pairwise-leaderboard', 'arena-baseline-win-fraction', 'arena-single-scores', 'arena-single-categories', 'arena-pairwise-categories']) {
      const png = readFileSync(join(out, 'charts', `${id}.png`));
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    }
    const html = readFileSync(join(out, 'arena.html'), 'utf8');
    expect(html).toContain('id="arena-pairwise-leaderboard"');
    expect(html).toContain('id="arena-pairwise-win-fraction"');
    expect(html).toContain('id="arena-single-categories"');
    expect(text).toMatch(/pairwise: Bradley-Terry/);
    expect(text).toMatch(/perfect separation/);
  });

  it('turns position bias into ties: a judge that always prefers the first answer shown ties every pair', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'first' });
    const { doc } = await run(writeConfig(judge, '', 'pairwise'), join(dir, 'out-first'));
    const pairwise = doc.modes.pairwise!;
    expect(pairwise.counts).toMatchObject({ planned: 12, decided: 12, ties: 12, inconsistent: 12 });
    expect(pairwise.battles.every((b) => b.verdict_ab === 'A' && b.verdict_ba === 'A' && b.winner === 'tie' && !b.consistent)).toBe(true);
    const ratings = pairwise.leaderboard.map((r) => r.rating);
    ratings.forEach((rating) => expect(rating).toBeCloseTo(1000, 6));
    expect(pairwise.matrices.win_fraction.flat().every((v) => v === null)).toBe(true);
    expect(pairwise.note).toBeNull();
  });

  it('counts unparsable verdicts and grades instead of guessing', async () => {
    const judge = await sim({ model: 'not-a-judge', judgeRule: null });
    const { doc } = await run(writeConfig(judge, '', '[single, pairwise]'), join(dir, 'out-unparsable'));
    expect(doc.modes.pairwise!.counts).toMatchObject({ planned: 12, decided: 0, unparsable: 12 });
    expect(doc.modes.pairwise!.battles.every((b) => b.winner === null && b.status === 'unparsable')).toBe(true);
    doc.modes.single!.leaderboard.forEach((row) => {
      expect(row).toMatchObject({ mean: null, n: 0, unparsable: 4, unparsable_share: 1 });
    });
  });

  it('--dry-run sends nothing and counts the requests', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'longer' });
    const config = writeConfig(judge, '');
    const before = await Promise.all(candidates.map((c) => c.stats()));
    let text = '';
    const command = arenaCommand().exitOverride().configureOutput({ writeOut: () => {} });
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((text += chunk), true)) as typeof process.stdout.write;
    try {
      await command.parseAsync(['--config', config, '--dry-run', '--out', join(dir, 'out-dry')], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect((await judge.stats()).requests).toBe(0);
    const after = await Promise.all(candidates.map((c) => c.stats()));
    after.forEach((stats, i) => expect(stats.requests).toBe(before[i]!.requests));
    expect(text).toMatch(/nothing is sent/);
    expect(text).toMatch(/judge judge .*: 36 requests/);
    expect(text).toMatch(/total: 48 requests/);
    expect(text).toContain("[The Start of Assistant's Answer]");
  });

  it('serves a rerun from the reply cache: no request is sent again', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'longer' });
    const config = writeConfig(judge, '', 'pairwise');
    const out = join(dir, 'out-cache');
    const first = await run(config, out);
    const sentToJudge = (await judge.stats()).requests;
    const sentToCandidates = await Promise.all(candidates.map(async (c) => (await c.stats()).requests));
    const second = await run(config, out);
    expect((await judge.stats()).requests).toBe(sentToJudge);
    expect(await Promise.all(candidates.map(async (c) => (await c.stats()).requests))).toEqual(sentToCandidates);
    expect(second.doc.perf.judge).toMatchObject({ sent: 0, cached: 24, result: null });
    expect(second.doc.modes.pairwise!.leaderboard).toEqual(first.doc.modes.pairwise!.leaderboard);
  });
});

describe('llmperf arena when a candidate fails', () => {
  it('counts battles with a missing answer apart and still rates the others', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'longer' });
    const down = await sim({ model: 'gone' });
    const downUrl = down.url;
    await down.close(); // nothing listens there any more: every request to it fails to connect
    const file = join(dir, 'arena-down.yaml');
    writeFileSync(file, [
      'questions: questions.jsonl',
      'mode: [single, pairwise]',
      'candidates:',
      `  - { name: small, url: "${candidates[0]!.url}" }`,
      `  - { name: down, url: "${downUrl}", model: gone }`,
      `  - { name: large, url: "${candidates[2]!.url}" }`,
      `judge: { url: "${judge.url}" }`,
      'timeout_ms: 5000',
      'rating: { bootstrap_rounds: 10 }',
    ].join('\n'));
    const { doc } = await run(file, join(dir, 'out-down'));
    const pairwise = doc.modes.pairwise!;
    expect(pairwise.counts).toMatchObject({ planned: 12, decided: 4, answer_errors: 8, unparsable: 0 });
    expect(pairwise.leaderboard.find((r) => r.model === 'down')).toMatchObject({ battles: 0, wins: 0 });
    expect(pairwise.leaderboard[0]!.model).toBe('large');
    expect(doc.modes.single!.leaderboard.find((r) => r.model === 'down')).toMatchObject({ n: 0, answer_errors: 4, mean: null });
    expect(doc.perf.candidates.find((p) => p.name === 'down')).toMatchObject({ sent: 4, failed: 4 });
    expect(doc.answers.down!.every((a) => a.answer === null && a.error !== null)).toBe(true);
  });
});

describe('llmperf arena resumes', () => {
  it('a rerun sends only what failed before (server errors on half the judge requests)', async () => {
    const judge = await sim({ model: 'judge', judgeRule: 'longer', faults: [{ kind: '500', rate: 0.5 }], seed: 3 });
    const config = writeConfig(judge, '', 'pairwise');
    const out = join(dir, 'out-resume');
    const first = await run(config, out);
    const failed = first.doc.perf.judge.failed;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(24);
    expect(first.doc.modes.pairwise!.counts.judge_errors).toBeGreaterThan(0);
    const second = await run(config, out);
    expect(second.doc.perf.judge).toMatchObject({ requests: 24, sent: failed, cached: 24 - failed });
    expect(second.doc.perf.candidates.every((p) => p.sent === 0)).toBe(true);
  });
});
