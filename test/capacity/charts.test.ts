// Capacity and sweep charts: stages in load order, points labelled with their load, the SLO line and the answer drawn.
import { describe, expect, it } from 'vitest';
import { sweepCharts, type SweepPoint } from '../../src/capacity/charts.js';
import { renderChartPng } from '../../src/report/png.js';

const point = (load: number, tokens: number, ttft: number): SweepPoint => ({ load, outputTokensPerS: tokens, qps: tokens / 10, goodput: null, ttftP99Ms: ttft, tpotP99Ms: 5, latencyP99Ms: ttft + 100 });
// The order a bisecting capacity search measures stages in.
const searched = [point(1, 100, 60), point(2, 200, 61), point(8, 800, 70), point(32, 900, 480), point(16, 880, 190), point(24, 890, 330)];

describe('sweepCharts', () => {
  const charts = sweepCharts(searched, 'concurrency', null, { slos: [{ metric: 'ttft_ms', stat: 'p99', threshold: 300, expression: 'ttft_ms.p99 < 300' }], capacity: 16 });
  const chart = (id: string) => charts.find((c) => c.id === id)!;
  const datasets = (id: string) => chart(id).config.data.datasets as Array<{ label: string; data: Array<{ x: number; y: number }>; llmperfLabels?: string[] }>;

  it('orders the stages by load and labels each latency point with its load', () => {
    const curve = datasets('ttft-p99-vs-throughput')[0]!;
    expect(curve.llmperfLabels).toEqual(['c=1', 'c=2', 'c=8', 'c=16', 'c=24', 'c=32']);
    expect(curve.data.map((p) => p.y)).toEqual([60, 61, 70, 190, 330, 480]);
    expect(datasets('throughput-vs-load')[0]!.data.map((p) => p.x)).toEqual([1, 2, 8, 16, 24, 32]);
  });

  it('draws the SLO threshold on the matching latency chart and the capacity answer on the load chart', () => {
    const slo = datasets('ttft-p99-vs-throughput').find((d) => d.label === 'SLO: ttft_ms.p99 < 300')!;
    expect(slo.data.map((p) => p.y)).toEqual([300, 300]);
    expect(datasets('tpot-p99-vs-throughput').some((d) => d.label.startsWith('SLO'))).toBe(false);
    const answer = datasets('throughput-vs-load').find((d) => d.label === 'capacity: 16 in flight')!;
    expect(answer.data.map((p) => p.x)).toEqual([16, 16]);
    expect(answer.data[1]!.y).toBeGreaterThanOrEqual(900);
  });

  it('renders the labelled chart to a PNG', async () => {
    const png = await renderChartPng(chart('ttft-p99-vs-throughput'), 600, 400);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });
});
