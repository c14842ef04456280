// Stage isolation: no prompt the simulator received is sent again by a later stage (or by a stage after the warm-up),
// and --reset-cache POSTs the server's cache-reset route before every stage, reporting whether it worked.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runCli } from '../helpers/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'llmperf-isolation-'));

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 4, slots: 64, contention: 0 });
});
afterAll(async () => sim.close());

interface StageJson {
  load: number;
  seed: number;
  summary: { sent: number };
  prompts: { seed: number; source: string; prompts: number; reused: boolean };
  cache_reset: { ok: boolean; status: number | null; url: string; error: string | null } | null;
}

/** The simulator's prompt digests cut into the warm-up and the stages, in the order they ran (stages never overlap). */
function digestsByStage(digests: string[], sweep: { warmup: StageJson; stages: StageJson[] }): string[][] {
  const parts: string[][] = [];
  let at = 0;
  for (const stage of [sweep.warmup, ...sweep.stages]) {
    parts.push(digests.slice(at, at + stage.summary.sent));
    at += stage.summary.sent;
  }
  expect(at).toBe(digests.length); // every request the simulator saw belongs to one stage
  return parts;
}

function expectDisjoint(parts: string[][]): void {
  const seen = new Set<string>();
  for (const [i, part] of parts.entries()) {
    for (const digest of new Set(part)) {
      expect(seen.has(digest), `stage ${i} sent a prompt an earlier stage sent`).toBe(false);
    }
    for (const digest of part) seen.add(digest);
  }
}

async function sweep(args: string[]) {
  await sim.resetStats();
  const out = tempDir();
  const run = await runCli(['sweep', '--url', sim.url, '--cooldown', '0s', '--out', out, ...args], { timeoutMs: 120_000 });
  expect(run.code, run.stderr).toBe(0);
  const document = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  return { run, document, stats: await sim.stats() };
}

describe('stage isolation', () => {
  it('--dataset random: every stage and the warm-up send prompts never sent before, each from its own recorded seed', async () => {
    const { document, stats } = await sweep(['--concurrency', '2,4,8', '-n', '24', '--dataset', 'random', '--input-tokens', '32']);
    const parts = digestsByStage(stats.promptDigests, document);
    expectDisjoint(parts);
    // Random prompts are fresh per request too: not one repeat in the whole sweep.
    expect(new Set(stats.promptDigests).size).toBe(stats.promptDigests.length);
    const seeds = [document.warmup, ...document.stages].map((s: StageJson) => s.seed);
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const stage of [document.warmup, ...document.stages] as StageJson[]) {
      expect(stage.prompts.source).toBe('generated');
      expect(stage.prompts.seed).toBe(stage.seed);
      const result = JSON.parse(readFileSync(join((stage as unknown as { dir: string }).dir, 'result.json'), 'utf8'));
      expect(result.config.seed).toBe(stage.seed);
    }
    // Same --seed, same stage seeds: a sweep is reproducible.
    const again = await sweep(['--concurrency', '2,4,8', '-n', '24', '--dataset', 'random', '--input-tokens', '32']);
    expect(again.document.stages.map((s: StageJson) => s.seed)).toEqual(document.stages.map((s: StageJson) => s.seed));
    // Compared per stage as sets: within a stage, concurrent requests reach the server in whatever order the
    // machine's scheduling gives, so arrival order is not part of what a seed reproduces.
    const sortedParts = (p: string[][]) => p.map((part) => part.slice().sort());
    expect(sortedParts(digestsByStage(again.stats.promptDigests, again.document))).toEqual(sortedParts(parts));
  });

  const fileKinds: Array<{ kind: string; file: string; write: (n: number) => string }> = [
    { kind: 'lines', file: 'prompts.txt', write: (n) => Array.from({ length: n }, (_, i) => `Line prompt number ${i}: tell me about topic ${i * 7}`).join('\n') },
    { kind: 'jsonl', file: 'prompts.jsonl', write: (n) => Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `JSONL prompt ${i}` })).join('\n') },
    {
      kind: 'sharegpt',
      file: 'sharegpt.json',
      write: (n) =>
        JSON.stringify(
          Array.from({ length: n }, (_, i) => ({ id: `c${i}`, conversations: [{ from: 'human', value: `ShareGPT question ${i}` }, { from: 'gpt', value: 'an answer of a few words' }] })),
        ),
    },
  ];
  for (const { kind, file, write } of fileKinds) {
    it(`--dataset ${kind}: stages take disjoint slices of the file`, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, file), write(120));
      // Warm-up 8, then 3 stages of 24 requests: 80 of the 120 prompts.
      const { document, stats } = await sweep(['--concurrency', '2,4,8', '-n', '24', '--dataset', kind, '--dataset-path', join(dir, file)]);
      expectDisjoint(digestsByStage(stats.promptDigests, document));
      expect(new Set(stats.promptDigests).size).toBe(stats.promptDigests.length);
      for (const stage of document.stages as StageJson[]) expect(stage.prompts).toMatchObject({ source: 'file', reused: false });
    });
  }

  it('a file too small for every stage: stages reuse prompts only once the file is used up, flagged and warned', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small.txt'), fileKinds[0]!.write(50));
    // Warm-up 8 + 20 + 20 = 48 fit in 50; the third stage needs 20 more and starts over on the whole file.
    const { run, document, stats } = await sweep(['--concurrency', '2,4,8', '-n', '20', '--dataset', 'lines', '--dataset-path', join(dir, 'small.txt')]);
    const parts = digestsByStage(stats.promptDigests, document);
    expectDisjoint(parts.slice(0, 3));
    expect((document.stages as StageJson[]).map((s) => s.prompts.reused)).toEqual([false, false, true]);
    expect(run.stderr).toMatch(/The dataset has 50 prompts, too few/);
  });
});

describe('--reset-cache', () => {
  it('POSTs the path before every stage and records that it worked', async () => {
    const { run, document, stats } = await sweep(['--concurrency', '2,4', '-n', '8', '--reset-cache', '/reset_prefix_cache']);
    expect(stats.cacheResets).toBe(2);
    for (const stage of document.stages as StageJson[]) {
      expect(stage.cache_reset).toMatchObject({ ok: true, status: 200, url: `${sim.url}/reset_prefix_cache`, error: null });
    }
    expect(document.warmup.cache_reset).toBeNull();
    expect(run.stderr).toContain('cache reset ok (HTTP 200)');
  });

  it('reports a reset the server refused, per stage and in the console, and still runs the stages', async () => {
    const { run, document, stats } = await sweep(['--concurrency', '2,4', '-n', '8', '--reset-cache', '/no_such_route']);
    expect(stats.cacheResets).toBe(0);
    for (const stage of document.stages as StageJson[]) {
      expect(stage.cache_reset).toMatchObject({ ok: false, status: 404 });
      expect(stage.cache_reset!.error).toContain('HTTP 404');
    }
    expect(run.stderr).toContain('cache reset FAILED');
    expect(run.stdout).toContain('--reset-cache failed before 2 stage(s)');
  });

  it('a path that is neither a path nor a URL is a usage error (exit 2)', async () => {
    const run = await runCli(['sweep', '--concurrency', '2', '-n', '4', '--reset-cache', 'reset_prefix_cache', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--reset-cache reset_prefix_cache');
  });
});
