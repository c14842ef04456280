// The shipped example (prompts/arena/arena.yaml) runs offline against simulators and ranks as its comments promise.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { arenaAction } from '../../../src/cli/arena.js';
import type { ArenaDocument } from '../../../src/eval/arena/run.js';
import { browserTest } from './browser-check.js';

const EXAMPLE = fileURLToPath(new URL('../../../prompts/arena/arena.yaml', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'llmperf-arena-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('shipped example', () => {
  it('runs all three modes and writes leaderboards and heatmaps', async () => {
    let text = '';
    await arenaAction({ config: EXAMPLE, out, cache: true, quiet: true }, (t) => (text += t));
    const doc = JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')) as ArenaDocument;
    expect(Object.keys(doc.modes).sort()).toEqual(['baseline', 'pairwise', 'single']);
    for (const mode of ['single', 'baseline', 'pairwise'] as const) {
      expect(doc.modes[mode]!.leaderboard.map((row) => row.model)).toEqual(['large', 'medium', 'small']);
    }
    expect(doc.perf.candidates.every((p) => p.simulated && p.failed === 0)).toBe(true);
    for (const file of ['arena.html', 'charts/arena-pairwise-win-fraction.png', 'charts/arena-pairwise-battle-count.png', 'charts/arena-baseline-leaderboard.png', 'charts/arena-single-scores.png']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    expect(text).toMatch(/single: judge score/);
    expect(text).toMatch(/baseline \(every model against medium\)/);
  });

  browserTest('arena.html renders in Chromium without errors or network requests', join(out, 'arena.html'));
});
