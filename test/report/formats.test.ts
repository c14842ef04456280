// writeReports, --format parsing, summary.md, summary.csv and result.json.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { formatNumber } from '../../src/metrics/slo.js';
import { DEFAULT_FORMATS, parseFormats, renderMarkdown, writeReports } from '../../src/report/index.js';
import { syntheticRun, writeRequestsCsv } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseFormats', () => {
  it('accepts the default and any subset, deduplicated and in order', () => {
    expect(parseFormats(DEFAULT_FORMATS)).toEqual(['table', 'json', 'csv', 'html']);
    expect(parseFormats(' PNG,md,png ')).toEqual(['png', 'md']);
  });
  it.each(['', ',', 'pdf', 'json,xml'])('rejects %j with a usage error naming the choices', (list) => {
    expect(() => parseFormats(list)).toThrow(UsageError);
    expect(() => parseFormats(list)).toThrow('table, json, csv, md, html, png');
  });
});

describe('writeReports', () => {
  it('writes one file per format (table writes none) and reads requests.csv from the folder', async () => {
    const { result, records } = syntheticRun({ n: 80, failEvery: 8 });
    const out = mkdtempSync(join(dir, 'all-'));
    writeRequestsCsv(out, records);
    const written = await writeReports(out, result, ['table', 'json', 'csv', 'md', 'html']);
    expect(written).toEqual(['result.json', 'summary.csv', 'summary.md', 'report.html'].map((name) => join(out, name)));
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(result);
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The scatter charts only exist when the request records were found.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('chart-vs-input-length');
  });

  it('summary.csv names every value as --slo and --fail-on do', async () => {
    const { result } = syntheticRun({ n: 40, failEvery: 4 });
    const out = mkdtempSync(join(dir, 'csv-'));
    await writeReports(out, result, ['csv']);
    const lines = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('metric,value');
    const values = new Map(lines.slice(1).map((line) => line.split(',') as [string, string]));
    expect(Number(values.get('qps'))).toBe(result.summary.qps);
    expect(Number(values.get('ttft_ms.p99'))).toBe(result.summary.ttft_ms.p99);
    expect(Number(values.get('errors.http_500'))).toBe(10);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });

  it('summary.md holds the metric and percentile tables with the run values, and neutralises server text', () => {
    const { result } = syntheticRun({ n: 40, failEvery: 4, errorMessage: 'upstream | <b>boom</b>\nline two', model: 'm|x' });
    result.slo = [{ expression: 'error_rate < 0.01', metric: 'error_rate', stat: null, op: '<', threshold: 0.01, actual: 0.25, passed: false, per_request: false, met_share: null }];
    const md = renderMarkdown(result);
    expect(md).toContain(`| Requests/s | ${formatNumber(result.summary.qps)} |`);
    expect(md).toContain(`| TTFT (ms) | ${formatNumber(result.summary.ttft_ms.mean)} |`);
    expect(md).toContain('| `error_rate < 0.01` | 0.250 | **FAIL** |');
    expect(md).toContain('upstream \\| &lt;b&gt;boom&lt;/b&gt; line two');
    expect(md).toContain('llmperf: m\\|x at');
    // Every table row has the same number of cells as its header.
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const widths = block.split('\n').filter((line) => line !== '').map((line) => line.replace(/\\\|/g, '').split('|').length);
      expect(new Set(widths).size, block).toBe(1);
    }
  });
});
