// The acceptance run: `llmperf mock --fault reset:0.1 --fault 429:0.05` and `llmperf -c 64 -n 1000` against
// it end with exact accounting and a readable error table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli, startMockCli } from '../helpers/cli.js';
import { csvRows, tempDir } from './helpers.js';

describe('a faulty server, end to end', () => {
  it('reset:0.1 and 429:0.05 at -c 64 -n 1000: every request accounted for, the errors tabled with samples', async () => {
    const mock = await startMockCli(['--fault', 'reset:0.1', '--fault', '429:0.05']);
    try {
      const out = tempDir('llmperf-faulty-');
      const run = await runCli(['--url', mock.url, '-c', '64', '-n', '1000', '--out', out], { timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
      const { summary } = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
      expect(summary.sent).toBe(1000);
      expect(summary.succeeded + summary.failed + summary.cancelled).toBe(1000);
      expect(summary.cancelled).toBe(0);
      expect(Object.keys(summary.errors).sort()).toEqual(['http_429', 'stream_cut']);
      expect(summary.errors.http_429! + summary.errors.stream_cut!).toBe(summary.failed);
      // Seeded fault draws: about 10% resets and, of the rest, about 5% 429s (wide bounds: the counts are binomial).
      expect(summary.errors.stream_cut!).toBeGreaterThan(50);
      expect(summary.errors.stream_cut!).toBeLessThan(160);
      expect(summary.errors.http_429!).toBeGreaterThan(15);
      expect(summary.errors.http_429!).toBeLessThan(90);

      // The per-request record agrees with the totals, row for row.
      const header = readFileSync(join(out, 'requests.csv'), 'utf8').split('\n')[0]!.split(',');
      const rows = csvRows(join(out, 'requests.csv')).map((row) => row.split(','));
      expect(rows).toHaveLength(1000);
      const errorColumn = header.indexOf('error');
      expect(rows.filter((r) => r[errorColumn] === 'stream_cut')).toHaveLength(summary.errors.stream_cut!);
      expect(rows.filter((r) => r[errorColumn] === 'http_429')).toHaveLength(summary.errors.http_429!);

      // The error table: one row per kind, with its count and a sample of what the server said.
      const table = run.stdout.slice(run.stdout.indexOf('Error kind'));
      expect(table).toContain('Sample message');
      expect(table).toMatch(new RegExp(`stream_cut\\s*│\\s*${summary.errors.stream_cut}\\s*│`));
      expect(table).toMatch(new RegExp(`http_429\\s*│\\s*${summary.errors.http_429}\\s*│`));
      expect(table).toContain('rate limit');
    } finally {
      await mock.stop();
    }
  }, 120_000);
});
