// Arena reports from a synthetic document: console tables, PNG heatmaps, and HTML that shows hostile names as text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PairBattleRecord, SingleGradeRecord } from '../../../src/eval/arena/battles.js';
import { summarizePairs, summarizeSingle } from '../../../src/eval/arena/ratings.js';
import { arenaConsole } from '../../../src/eval/arena/report-console.js';
import { renderHeatmapPng } from '../../../src/eval/arena/report-png.js';
import { writeArenaReports } from '../../../src/eval/arena/report.js';
import { ARENA_SCHEMA, type ArenaDocument } from '../../../src/eval/arena/run.js';
import { DEFAULT_RATING_OPTIONS } from '../../../src/eval/arena/types.js';
import { browserTest } from './browser-check.js';

const EVIL = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2</script>';
const models = [EVIL, 'plain', SCRIPT];

function battle(a: string, b: string, winner: PairBattleRecord['winner'], category: string): PairBattleRecord {
  return { question_id: 0, category, question: SCRIPT, reference: null, model_a: a, model_b: b, answer_a: EVIL, answer_b: 'x', judgment_ab: '[[A]]', verdict_ab: 'A', judgment_ba: '[[B]]', verdict_ba: 'B', winner, consistent: true, status: 'decided' };
}

function syntheticDoc(): ArenaDocument {
  const battles = [battle(EVIL, 'plain', 'model_a', SCRIPT), battle('plain', EVIL, 'model_a', 'b'), battle(SCRIPT, 'plain', 'tie', 'b'), battle(EVIL, SCRIPT, 'model_b', 'b'), { ...battle('plain', SCRIPT, null, 'b'), status: 'unparsable' as const }];
  const grades: SingleGradeRecord[] = models.flatMap((model, i) => [
    { question_id: 0, category: SCRIPT, question: 'q', reference: null, model, answer: 'a', judgment: 'Rating: [[5]]', score: 5 + i, status: 'graded' as const },
    { question_id: 1, category: 'b', question: 'q', reference: null, model, answer: 'a', judgment: 'meh', score: null, status: 'unparsable' as const },
  ]);
  const perf = { name: EVIL, model: SCRIPT, simulated: true, requests: 1, sent: 1, cached: 0, failed: 0, result: null };
  return {
    schema: ARENA_SCHEMA, started_at: '2026-01-01T00:00:00Z', ended_at: '2026-01-01T00:01:00Z',
    config: { file: 'a.yaml', modes: ['single', 'pairwise'], baseline: null, questions: 'q.jsonl', question_count: 2, candidates: models.map((name) => ({ name, url: 'sim', model: name })), judge: { name: EVIL, url: 'sim', model: SCRIPT }, rating: { ...DEFAULT_RATING_OPTIONS, bootstrapRounds: 10 } },
    answers: {},
    modes: { single: { ...summarizeSingle(grades, models), grades }, pairwise: { ...summarizePairs(battles, models, { ...DEFAULT_RATING_OPTIONS, bootstrapRounds: 10 }), battles } },
    perf: { candidates: [perf], judge: perf },
  };
}

const out = mkdtempSync(join(tmpdir(), 'llmperf-arena-report-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('arena reports', () => {
  it('writes arena.json, arena.html and PNGs; the console shows counts and the unparsable share', async () => {
    const doc = syntheticDoc();
    const written = await writeArenaReports(out, doc);
    expect(written.filter((p) => p.endsWith('.png'))).toHaveLength(6);
    expect(JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')).modes.pairwise.battles).toHaveLength(5);
    const text = arenaConsole(doc);
    expect(text).toMatch(/5 planned, 4 decided \(1 ties/);
    expect(text).toMatch(/1 unparsable verdicts/);
    expect(text).toMatch(/1 \(50\.0%\)/); // one of two grades unparsable per model
    const html = readFileSync(join(out, 'arena.html'), 'utf8');
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain(SCRIPT);
    expect(html).toContain('&lt;script&gt;');
  });

  it('draws a heatmap PNG of the right size with coloured cells', async () => {
    const png = await renderHeatmapPng({ title: 't', rowLabels: ['a', 'b'], columnLabels: ['a', 'b'], values: [[null, 1], [0, null]], max: 1, format: (v) => v.toFixed(2) });
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(600); // width from the IHDR chunk: the 600 px minimum for a 2x2 map
    expect(png.length).toBeGreaterThan(2000);
  });

  browserTest('hostile model names and categories render as text in Chromium', join(out, 'arena.html'), async (page) => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#arena-pairwise-leaderboard').innerText()).toContain(SCRIPT);
    expect(await page.locator('script').count()).toBe(0);
  });
});
