// Writes the arena's files: arena.json (every battle), arena.html, and charts/arena-*.png.
import { renameSync, writeFileSync } from 'node:fs';
import { makeOutDir } from '../../util/out-dir.js';
import { join } from 'node:path';
import { categoryChart, leaderboardChart, renderBarPng, renderHeatmapPng, singleScoresChart } from './report-png.js';
import { renderArenaPage } from './report-html.js';
import type { ArenaDocument } from './run.js';

function writeAtomic(path: string, content: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Every PNG of the arena by id (file `charts/<id>.png`). */
export async function arenaPngs(doc: ArenaDocument): Promise<Map<string, Buffer>> {
  const pngs = new Map<string, Buffer>();
  const single = doc.modes.single;
  if (single) {
    pngs.set('arena-single-scores', await renderBarPng('arena-single-scores', 'single scores', singleScoresChart(single.leaderboard)));
    const categories = [...new Set(single.grades.map((g) => g.category))];
    pngs.set('arena-single-categories', await renderBarPng('arena-single-categories', 'single per category', categoryChart('single grading: mean score per category', categories, single.leaderboard.map((r) => ({ label: r.model, values: categories.map((c) => r.per_category[c]?.mean ?? null) })), 10)));
  }
  for (const mode of ['baseline', 'pairwise'] as const) {
    const result = doc.modes[mode];
    if (!result) continue;
    const m = result.matrices;
    pngs.set(`arena-${mode}-leaderboard`, await renderBarPng(`arena-${mode}-leaderboard`, `${mode} leaderboard`, leaderboardChart(`${mode}: Bradley-Terry rating with interval, online Elo`, result.leaderboard)));
    pngs.set(`arena-${mode}-win-fraction`, await renderHeatmapPng({ title: `${mode}: fraction of non-tied battles the row model won against the column model`, rowLabels: m.models, columnLabels: m.models, values: m.win_fraction, max: 1, format: (v) => v.toFixed(2) }));
    pngs.set(`arena-${mode}-battle-count`, await renderHeatmapPng({ title: `${mode}: battles between each pair (ties included)`, rowLabels: m.models, columnLabels: m.models, values: m.battle_count.map((row, i) => row.map((v, j) => (i === j ? null : v))), max: Math.max(1, ...m.battle_count.flat()), format: (v) => String(v) }));
    const categories = Object.keys(result.per_category);
    pngs.set(`arena-${mode}-categories`, await renderHeatmapPng({ title: `${mode}: win rate per category (ties count half)`, rowLabels: m.models, columnLabels: categories, values: m.models.map((model) => categories.map((c) => result.per_category[c]![model]?.win_rate ?? null)), max: 1, format: (v) => v.toFixed(2) }));
  }
  return pngs;
}

/** Writes every arena output into `outDir`; returns the paths written. */
export async function writeArenaReports(outDir: string, doc: ArenaDocument): Promise<string[]> {
  makeOutDir(join(outDir, 'charts'));
  const written: string[] = [];
  const jsonPath = join(outDir, 'arena.json');
  writeAtomic(jsonPath, JSON.stringify(doc, null, 2) + '\n');
  written.push(jsonPath);
  const pngs = await arenaPngs(doc);
  const images: Record<string, string> = {};
  for (const [id, png] of pngs) {
    const path = join(outDir, 'charts', `${id}.png`);
    writeAtomic(path, png);
    written.push(path);
    images[id] = `data:image/png;base64,${png.toString('base64')}`;
  }
  const htmlPath = join(outDir, 'arena.html');
  writeAtomic(htmlPath, renderArenaPage(doc, images));
  written.push(htmlPath);
  return written;
}
