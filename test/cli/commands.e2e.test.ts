// The eval and arena commands through the real CLI, on the shipped samples and example against simulators.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'llmperf-cmd-'));

describe('llmperf arena --config prompts/arena/arena.yaml', () => {
  it('runs the shipped example offline and writes the leaderboard and heatmaps', async () => {
    const out = tempDir();
    const run = await runCli(['arena', '--config', 'prompts/arena/arena.yaml', '--out', out, '--no-cache'], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const arena = JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8'));
    expect(arena.schema).toBe('llmperf/arena@1');
    expect(existsSync(join(out, 'arena.html'))).toBe(true);
    expect(run.stdout).toContain('pairwise');
  });
});

describe('llmperf eval', () => {
  it('scores the shipped samples against the simulator and writes eval.json', async () => {
    const out = tempDir();
    // Its own cache: an eval test must never leave answers in ./.llmperf-cache for a later real eval to reuse.
    const run = await runCli(['eval', '--datasets', 'gsm8k,arc', '--limit', '3', '--out', out, '--cache-dir', join(out, 'cache')], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(result.schema).toBe('llmperf/eval@1');
    expect(Object.keys(result.benchmarks)).toEqual(expect.arrayContaining(['gsm8k', 'arc']));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Accuracy evaluation');
    expect(html).toContain('Serving performance of the eval');
  });
});
