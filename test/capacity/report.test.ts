// A stage that was not sustained is marked wherever stages are shown: the table, the HTML page and every curve.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageTable, sweepCharts, writeStageReport } from '../../src/capacity/index.js';
import type { Summary } from '../../src/metrics/schema.js';

const summary = (qps: number, ttftP99: number) =>
  ({
    qps, output_tokens_per_s: qps * 64, failed: 0, goodput: null,
    ttft_ms: { p50: ttftP99 / 2, p99: ttftP99 }, tpot_ms: { p50: 10, p99: 11 }, latency_ms: { p50: 700, p99: 800 },
  }) as unknown as Summary;

const rows = [
  { load: 40, summary: summary(40, 80) },
  { load: 90, summary: summary(85, 900), notSustained: true },
];

describe('not_sustained in the reports', () => {
  it('the table names the stage', () => {
    const table = stageTable(rows);
    expect(table).toContain('90 (not_sustained)');
    expect(table).not.toContain('40 (not_sustained)');
  });

  it('every curve draws a not_sustained marker at exactly that stage', () => {
    const points = rows.map((r) => ({
      load: r.load, outputTokensPerS: r.summary.output_tokens_per_s, qps: r.summary.qps, goodput: null,
      ttftP99Ms: r.summary.ttft_ms.p99, tpotP99Ms: r.summary.tpot_ms.p99, latencyP99Ms: r.summary.latency_ms.p99, notSustained: r.notSustained === true,
    }));
    const charts = sweepCharts(points, 'rate', null);
    expect(charts).toHaveLength(3);
    for (const chart of charts) {
      const marker = chart.config.data.datasets.find((d) => d.label === 'not_sustained');
      expect(marker, chart.id).toBeDefined();
      expect(marker!.data).toHaveLength(1);
    }
    const throughput = charts[0]!.config.data.datasets.find((d) => d.label === 'not_sustained')!;
    expect(throughput.data[0]).toEqual({ x: 90, y: 85 * 64 });
  });

  it('the HTML page marks the row and carries the marker', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'llmperf-stage-report-'));
    await writeStageReport({ outDir, name: 'sweep', document: {}, title: 'sweep', notes: [], rows, by: 'rate', knee: null, png: false });
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).toMatch(/<tr class="fail"><td class="num">90 \(not_sustained\)/);
    expect(html).toContain('not_sustained');
  });
});
