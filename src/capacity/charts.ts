// The capacity planner's charts as chart.js configurations: throughput against load, latency against throughput, goodput.
import type { ChartConfiguration } from 'chart.js';
import type { ChartSpec } from '../report/charts.js';
import type { LoadAxis } from './stages.js';

export interface SweepPoint {
  load: number;
  outputTokensPerS: number;
  qps: number;
  goodput: number | null;
  ttftP99Ms: number;
  tpotP99Ms: number;
  latencyP99Ms: number;
  /** The server did not keep up at this load: drawn as a red cross over the point, and named in the legend. */
  notSustained?: boolean;
}

const BLUE = '#2563eb';
const RED = '#dc2626';
const GREEN = '#16a34a';
const KNEE = '#f59e0b';

function lineChart(id: string, title: string, xTitle: string, yTitle: string, datasets: ChartConfiguration['data']['datasets']): ChartSpec {
  return {
    id,
    title,
    config: {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        showLine: true,
        plugins: { title: { display: true, text: title, font: { size: 16 } }, legend: { display: true } },
        scales: {
          x: { type: 'linear', title: { display: true, text: xTitle }, beginAtZero: true },
          y: { title: { display: true, text: yTitle }, beginAtZero: true },
        },
      } as ChartConfiguration['options'],
    } as ChartConfiguration,
  };
}

function series(label: string, color: string, data: Array<{ x: number; y: number }>) {
  return { label, data, borderColor: color, backgroundColor: color, showLine: true, pointRadius: 4 };
}

/** The knee as its own dataset: one large point, so it shows in the chart, the legend and the PNG alike. */
function kneeMarker(point: { x: number; y: number } | null) {
  return point ? [{ label: 'knee', data: [point], borderColor: KNEE, backgroundColor: KNEE, pointRadius: 10, pointStyle: 'triangle', showLine: false }] : [];
}

/** Crosses over the stages that were not sustained, so a curve never shows an overloaded point as a steady one. */
function notSustainedMarker(points: Array<{ x: number; y: number }>) {
  return points.length > 0 ? [{ label: 'not_sustained', data: points, borderColor: RED, backgroundColor: RED, pointRadius: 9, pointStyle: 'crossRot', borderWidth: 2, showLine: false }] : [];
}

export function sweepCharts(points: readonly SweepPoint[], by: LoadAxis, knee: number | null): ChartSpec[] {
  const loadTitle = by === 'concurrency' ? 'concurrency (requests in flight)' : 'offered load (requests/s)';
  const kneePoint = points.find((p) => p.load === knee) ?? null;
  const overloaded = points.filter((p) => p.notSustained);
  const charts = [
    lineChart('throughput-vs-load', `Throughput against ${by}`, loadTitle, 'output tokens/s', [
      series('output tokens/s', BLUE, points.map((p) => ({ x: p.load, y: p.outputTokensPerS }))),
      ...kneeMarker(kneePoint && { x: kneePoint.load, y: kneePoint.outputTokensPerS }),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.load, y: p.outputTokensPerS }))),
    ]),
    lineChart('ttft-p99-vs-throughput', 'TTFT p99 against throughput (latency-throughput curve)', 'output tokens/s', 'TTFT p99 (ms)', [
      series('TTFT p99', RED, points.map((p) => ({ x: p.outputTokensPerS, y: p.ttftP99Ms }))),
      ...kneeMarker(kneePoint && { x: kneePoint.outputTokensPerS, y: kneePoint.ttftP99Ms }),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.outputTokensPerS, y: p.ttftP99Ms }))),
    ]),
    lineChart('tpot-p99-vs-throughput', 'TPOT p99 against throughput', 'output tokens/s', 'TPOT p99 (ms)', [
      series('TPOT p99', GREEN, points.map((p) => ({ x: p.outputTokensPerS, y: p.tpotP99Ms }))),
      ...kneeMarker(kneePoint && { x: kneePoint.outputTokensPerS, y: kneePoint.tpotP99Ms }),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.outputTokensPerS, y: p.tpotP99Ms }))),
    ]),
  ];
  if (points.some((p) => p.goodput !== null)) {
    charts.push(
      lineChart('goodput-vs-load', `Goodput against ${by}`, loadTitle, 'requests/s', [
        series('goodput (req/s meeting every SLO)', GREEN, points.map((p) => ({ x: p.load, y: p.goodput ?? 0 }))),
        series('throughput (req/s)', BLUE, points.map((p) => ({ x: p.load, y: p.qps }))),
      ]),
    );
  }
  return charts;
}
