// Chart data: what each chart shows must add up to the run it came from, and stay bounded for big runs.
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { buildCharts, type ChartSpec } from '../../src/report/charts.js';
import { syntheticRun } from './fixture.js';

const chart = (charts: ChartSpec[], id: string) => charts.find((c) => c.id === id)!;
const sum = (values: unknown[]) => (values as number[]).reduce((s, v) => s + v, 0);

describe('buildCharts', () => {
  const { result, records } = syntheticRun({ n: 300, failEvery: 7 });
  const charts = buildCharts(result, records);

  it('draws percentile curves through the summary percentiles and histograms holding every value', () => {
    const curve = chart(charts, 'ttft-percentiles').config.data;
    // x is in nines, -log10(1 - p): p50 at 0.301, p99 at 2, p99.9 at 3; the first point is the minimum.
    const points = curve.datasets[0]!.data as Array<{ x: number; y: number }>;
    const at = (p: number) => points.find((point) => Math.abs(point.x + Math.log10(1 - p / 100)) < 1e-9)!.y;
    expect(at(50)).toBe(result.summary.ttft_ms.p50);
    expect(at(99)).toBe(result.summary.ttft_ms.p99);
    expect(at(0)).toBe(result.summary.ttft_ms.min);
    expect(chart(charts, 'ttft-percentiles').config.options!.scales!.x).toMatchObject({ type: 'linear', llmperfNines: true });
    for (const key of ['ttft', 'latency', 'tpot', 'itl'] as const) {
      const bars = chart(charts, `${key}-histogram`).config.data.datasets[0]!.data;
      expect(sum(bars), key).toBe(result.summary[`${key}_ms`].count);
    }
  });

  it('counts every failure once in the errors chart and every second in the time series', () => {
    const failures = records.filter((r) => !r.ok).length;
    const errors = chart(charts, 'errors').config.data.datasets;
    expect(errors.map((d) => d.label)).toEqual(['http_500']);
    expect(sum(errors[0]!.data)).toBe(failures);
    const throughput = chart(charts, 'throughput').config.data;
    expect(sum(throughput.datasets[0]!.data)).toBe(sum(result.timeseries.map((p) => p.output_tokens)));
  });

  it('leaves out the scatter plots without request records', () => {
    const ids = buildCharts(result, null).map((c) => c.id);
    expect(ids).not.toContain('vs-input-length');
    expect(ids).toContain('errors');
  });

  it('stays bounded on a run of 100,000 requests with 50,000 failures', () => {
    const base = records.find((r) => r.ok)!;
    const big: RequestRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
      ...base, index: i, start_ms: i * 2, input_tokens: base.input_tokens + (i % 7), output_tokens: base.output_tokens + (i % 5), ok: i % 2 === 0, error: i % 2 === 0 ? null : i % 4 === 1 ? 'timeout' : 'http_503', latency_ms: i % 2 === 0 ? base.latency_ms : null,
    }));
    const started = performance.now();
    const bigCharts = buildCharts(result, big);
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const id of ['vs-input-length', 'vs-output-length']) {
      for (const dataset of chart(bigCharts, id).config.data.datasets) expect(dataset.data.length).toBeLessThanOrEqual(4000);
    }
    const errors = chart(bigCharts, 'errors').config.data.datasets;
    expect(errors.map((d) => d.label).sort()).toEqual(['http_503', 'timeout']);
    expect(sum(errors.flatMap((d) => d.data))).toBe(50_000);
  });
});
