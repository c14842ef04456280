// Production-shaped load through the built CLI, as a user from a fresh clone runs it: trace replay and shared prefixes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli, startMockCli } from '../helpers/cli.js';

const SAMPLE = fileURLToPath(new URL('../../prompts/trace-mooncake.jsonl', import.meta.url));
const out = () => mkdtempSync(join(tmpdir(), 'llmperf-prodload-'));

describe('llmperf with production-shaped workloads', () => {
  it('--dataset trace --trace-format mooncake --dataset-path <shipped sample> --replay-speed 4 replays the whole trace', async () => {
    const dir = out();
    const run = await runCli(['--dataset', 'trace', '--trace-format', 'mooncake', '--dataset-path', SAMPLE, '--replay-speed', '4', '--out', dir], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultDocument;
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    expect(doc.summary.succeeded).toBe(lines.length);
    expect(doc.config).toMatchObject({ dataset: 'trace', trace_format: 'mooncake', replay_speed: 4 });
    // The sample spans ~12 s of trace time; at speed 4 the sends span a quarter of it.
    const lastMs = JSON.parse(lines[lines.length - 1]!).timestamp as number;
    expect(doc.summary.duration_s).toBeGreaterThan(lastMs / 4 / 1000);
    expect(doc.summary.duration_s).toBeLessThan(lastMs / 1000);
    // Shared hash blocks hit the built-in simulator's prefix cache.
    expect(doc.summary.cache_hit_requests).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/Prefix cache \(server-reported cached_tokens\): [\d.]+% of requests hit/);
    const csv = readFileSync(join(dir, 'requests.csv'), 'utf8').split('\n');
    expect(csv[0]).toContain('prefix_group,cached_tokens');
  });

  it('a shared-prefix run against the simulator: groups in requests.csv, hit/miss TTFT in the summary', async () => {
    const mock = await startMockCli(['--ttft', '40', '--itl', '1', '--output-tokens', '4', '--prefix-cache', '1000000']);
    try {
      const dir = out();
      const args = ['--url', mock.url, '--prefix-groups', '4', '--prompts-per-group', '4', '--prefix-tokens', '512', '--suffix-tokens', '32', '--prefix-zipf', '1', '-n', '40', '-c', '2', '--out', dir, '--json', '-q'];
      const run = await runCli(args, { timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout) as ResultDocument;
      expect(doc.config).toMatchObject({ dataset: 'shared-prefix', prefix_groups: 4, prompts_per_group: 4, prefix_tokens: 512, suffix_tokens: 32, prefix_zipf: 1 });
      expect(doc.summary.cache_hit_rate!).toBeGreaterThan(0.5);
      expect(doc.summary.ttft_cache_hit_ms!.p50!).toBeLessThan(doc.summary.ttft_cache_miss_ms!.p50!);
      const [header, ...rows] = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n');
      const groupColumn = header!.split(',').indexOf('prefix_group');
      expect(new Set(rows.map((row) => row.split(',')[groupColumn])).size).toBeGreaterThan(1);
    } finally {
      await mock.stop();
    }
  });

  it('a server that does not report cached_tokens gets a note, not a 0% hit rate', async () => {
    const mock = await startMockCli(['--ttft', '5', '--itl', '1', '--output-tokens', '4']);
    try {
      const run = await runCli(['--url', mock.url, '--prefix-groups', '2', '--prefix-tokens', '64', '--suffix-tokens', '8', '-n', '6', '--out', out()], { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('the server did not report usage.prompt_tokens_details.cached_tokens');
      expect(run.stdout).not.toContain('Prefix cache (server-reported');
    } finally {
      await mock.stop();
    }
  });
});
