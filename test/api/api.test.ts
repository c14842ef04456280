// The public API, imported by the package's name as a user would, run against the simulator on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as llmperf from 'llmperf';
import {
  compareResults,
  evaluate,
  findCapacity,
  loadResult,
  mergeResults,
  runArena,
  runLoad,
  startMockServer,
  sweep,
  UsageError,
  writeReports,
  type MockServer,
  type RunProgress,
} from 'llmperf';
import { runCli } from '../helpers/cli.js';

let dir: string;
let sim: MockServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-api-'));
  sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 2, outputTokens: 8 });
});

afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("import ... from 'llmperf'", () => {
  it('exports every function the issue names, and the error classes', () => {
    for (const name of ['runLoad', 'sweep', 'findCapacity', 'evaluate', 'runArena', 'compareResults', 'mergeResults', 'writeReports', 'loadResult', 'startMockServer']) {
      expect(typeof (llmperf as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(new UsageError('x').code).toBe('LLMPERF_USAGE');
  });
});

describe('runLoad', () => {
  it('runs a load against a server and returns the result document; the server saw every request', async () => {
    await sim.resetStats();
    const sigintListeners = process.listenerCount('SIGINT');
    const progress: RunProgress[] = [];
    const notices: string[] = [];
    const result = await runLoad(
      { url: sim.url, concurrency: 4, requests: 16, out: join(dir, 'run') },
      { onProgress: (p) => progress.push(p), progressIntervalMs: 10, onNotice: (line) => notices.push(line) },
    );
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
    expect(result.schema).toBe('llmperf/result@1');
    expect(result.summary.succeeded).toBe(16);
    expect(result.summary.output_tokens_per_request).toBe(8);
    expect((await sim.stats()).requests).toBe(16);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.expected).toBe(16);
    expect(notices.some((line) => line.includes(sim.url))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'run', 'result.json'), 'utf8')).summary.succeeded).toBe(16);
  });

  it('starts the built-in simulator when no url is given', async () => {
    const result = await runLoad({ concurrency: 2, requests: 4, outputTokens: 4, simulator: { ttftMs: 5, itlMs: 2 }, out: join(dir, 'builtin'), format: ['json'] });
    expect(result.simulated).toBe(true);
    expect(result.summary.succeeded).toBe(4);
    expect(result.summary.output_tokens_per_request).toBe(4);
  });

  it('stops on an abort signal and still returns the (interrupted) result', async () => {
    const stop = new AbortController();
    const result = await runLoad(
      { url: sim.url, concurrency: 2, requests: 10_000, out: join(dir, 'aborted'), format: 'json', grace: 2000 },
      { signal: stop.signal, progressIntervalMs: 10, onProgress: (p) => p.done >= 4 && stop.abort() },
    );
    expect(result.interrupted).toBe(true);
    expect(result.summary.succeeded).toBeGreaterThanOrEqual(4);
    expect(result.summary.sent).toBeLessThan(10_000);
    expect(result.summary.sent).toBe(result.summary.succeeded + result.summary.failed + result.summary.cancelled);
  });

  it('throws the same one-line error as the CLI, with a stable code, before sending anything', async () => {
    await sim.resetStats();
    const cli = await runCli(['--url', sim.url, '--concurrency', '0']);
    expect(cli.code).toBe(2);
    const error = await runLoad({ url: sim.url, concurrency: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('LLMPERF_USAGE');
    expect(`llmperf: ${(error as Error).message}\n`).toBe(cli.stderr);
    expect((await sim.stats()).requests).toBe(0);
  });

  it('refuses an option it does not know rather than ignoring it', async () => {
    const error = await runLoad({ url: sim.url, concurency: 8 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/unknown option "concurency"/);
  });
});

describe('the other entry points', () => {
  it('compareResults, mergeResults, writeReports and loadResult work on saved runs', async () => {
    const a = join(dir, 'cmp-a');
    const b = join(dir, 'cmp-b');
    await runLoad({ url: sim.url, concurrency: 2, requests: 8, out: a, format: 'json', shard: '0/2' });
    await runLoad({ url: sim.url, concurrency: 2, requests: 8, out: b, format: 'json', shard: '1/2' });
    const comparison = compareResults(a, b, { failOn: ['failed > 0'] });
    expect(comparison.failed).toBe(false);
    expect(comparison.fail_on[0].expression).toBe('failed > 0');
    const merged = await mergeResults([a, b], { out: join(dir, 'merged'), format: 'json' });
    expect(merged.summary.succeeded).toBe(8);
    expect(merged.merged.count).toBe(2);
    const loaded = loadResult(join(dir, 'merged'));
    expect(loaded.result.summary.succeeded).toBe(8);
    expect(loaded.records).toHaveLength(8);
    const files = await writeReports(join(dir, 'md'), loaded.result, ['md'], { records: loaded.records });
    expect(files.some((file) => file.endsWith('summary.md'))).toBe(true);
  });

  it('sweep and findCapacity return their documents', async () => {
    const doc = await sweep({ url: sim.url, concurrency: [1, 2], requests: 4, cooldown: 0, out: join(dir, 'sweep'), format: 'json' });
    expect(doc.stages.map((stage) => stage.load)).toEqual([1, 2]);
    expect(existsSync(join(dir, 'sweep', 'sweep.json'))).toBe(true);
    const capacity = await findCapacity({ url: sim.url, by: 'concurrency', slo: ['error_rate < 0.5'], requests: 4, maxLoad: 4, cooldown: 0, out: join(dir, 'capacity'), format: 'json' });
    expect(capacity.value).toBe(4);
  });

  it('evaluate and runArena run offline against the built-in simulators', async () => {
    const evalDoc = await evaluate({ datasets: ['mmlu'], limit: 2, out: join(dir, 'eval'), cache: false, simAccuracy: 1 });
    expect(evalDoc.benchmarks.mmlu.score).toBe(1);
    const arena = await runArena({ config: 'example', out: join(dir, 'arena'), cache: false });
    expect(arena.modes.single?.leaderboard.map((row) => row.model)).toEqual(['large', 'medium', 'small']);
  });
});
