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

/** Each point carries its stage's load as a label (drawn beside it by chart-hydrate), so a curve says where it was measured. */
function series(label: string, color: string, data: Array<{ x: number; y: number }>, loads?: readonly string[]) {
  return { label, data, borderColor: color, backgroundColor: color, showLine: true, pointRadius: 4, ...(loads ? { llmperfLabels: loads } : {}) };
}

/** What a capacity chart also draws: the SLO thresholds on the latency axes, and the answer on the load axis. */
export interface ChartAnnotations {
  /** Thresholds on a p99 the charts plot (`ttft_ms.p99 < 500`). */
  slos?: ReadonlyArray<{ metric: string; stat: string | null; threshold: number; expression: string }>;
  /** The capacity answer, in the load axis's unit (0 or null: none found). */
  capacity?: number | null;
}

const DASHED = { showLine: true, pointRadius: 0, borderDash: [6, 4], borderWidth: 2, fill: false };

/** A horizontal dashed line at an SLO threshold across the chart's x range. */
function thresholdLine(slos: ChartAnnotations['slos'], metric: string, xs: number[]) {
  const slo = slos?.find((s) => s.metric === metric && s.stat === 'p99');
  if (!slo || xs.length === 0) return [];
  const low = Math.min(0, ...xs);
  const high = Math.max(...xs) * 1.05 || 1;
  return [{ label: `SLO: ${slo.expression}`, data: [{ x: low, y: slo.threshold }, { x: high, y: slo.threshold }], borderColor: RED, backgroundColor: RED, ...DASHED }];
}

/** A vertical dashed line at the capacity answer, from 0 to the top of the measured values. */
function capacityLine(capacity: number | null | undefined, ys: number[], unit: string) {
  if (!capacity || ys.length === 0) return [];
  const top = Math.max(...ys) * 1.05 || 1;
  return [{ label: `capacity: ${capacity} ${unit}`, data: [{ x: capacity, y: 0 }, { x: capacity, y: top }], borderColor: GREEN, backgroundColor: GREEN, ...DASHED }];
}

/** The knee as its own dataset: one large point, so it shows in the chart, the legend and the PNG alike. */
function kneeMarker(point: { x: number; y: number } | null) {
  return point ? [{ label: 'knee', data: [point], borderColor: KNEE, backgroundColor: KNEE, pointRadius: 10, pointStyle: 'triangle', showLine: false }] : [];
}

/** Crosses over the stages that were not sustained, so a curve never shows an overloaded point as a steady one. */
function notSustainedMarker(points: Array<{ x: number; y: number }>) {
  return points.length > 0 ? [{ label: 'not_sustained', data: points, borderColor: RED, backgroundColor: RED, pointRadius: 9, pointStyle: 'crossRot', borderWidth: 2, showLine: false }] : [];
}

export function sweepCharts(unordered: readonly SweepPoint[], by: LoadAxis, knee: number | null, annotations: ChartAnnotations = {}): ChartSpec[] {
  // Stages in load order, whatever order a search measured them in: the curves then read left to right.
  const points = [...unordered].sort((a, b) => a.load - b.load);
  const loadTitle = by === 'concurrency' ? 'concurrency (requests in flight)' : 'offered load (requests/s)';
  const loadUnit = by === 'concurrency' ? 'in flight' : 'req/s';
  const loads = points.map((p) => (by === 'concurrency' ? `c=${p.load}` : `${Number(p.load.toFixed(3))} req/s`));
  const kneePoint = points.find((p) => p.load === knee) ?? null;
  const throughputs = points.map((p) => p.outputTokensPerS);
  const overloaded = points.filter((p) => p.notSustained);
  const charts = [
    lineChart('throughput-vs-load', `Throughput against ${by}`, loadTitle, 'output tokens/s', [
      series('output tokens/s', BLUE, points.map((p) => ({ x: p.load, y: p.outputTokensPerS }))),
      ...kneeMarker(kneePoint && { x: kneePoint.load, y: kneePoint.outputTokensPerS }),
      ...capacityLine(annotations.capacity, throughputs, loadUnit),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.load, y: p.outputTokensPerS }))),
    ]),
    lineChart('ttft-p99-vs-throughput', 'TTFT p99 against throughput (latency-throughput curve)', 'output tokens/s', 'TTFT p99 (ms)', [
      series('TTFT p99', RED, points.map((p) => ({ x: p.outputTokensPerS, y: p.ttftP99Ms })), loads),
      ...kneeMarker(kneePoint && { x: kneePoint.outputTokensPerS, y: kneePoint.ttftP99Ms }),
      ...thresholdLine(annotations.slos, 'ttft_ms', throughputs),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.outputTokensPerS, y: p.ttftP99Ms }))),
    ]),
    lineChart('tpot-p99-vs-throughput', 'TPOT p99 against throughput', 'output tokens/s', 'TPOT p99 (ms)', [
      series('TPOT p99', GREEN, points.map((p) => ({ x: p.outputTokensPerS, y: p.tpotP99Ms })), loads),
      ...kneeMarker(kneePoint && { x: kneePoint.outputTokensPerS, y: kneePoint.tpotP99Ms }),
      ...thresholdLine(annotations.slos, 'tpot_ms', throughputs),
      ...notSustainedMarker(overloaded.map((p) => ({ x: p.outputTokensPerS, y: p.tpotP99Ms }))),
    ]),
  ];
  if (points.length > 0 && annotations.slos?.some((s) => s.metric === 'latency_ms' && s.stat === 'p99')) {
    charts.push(
      lineChart('latency-p99-vs-throughput', 'E2E latency p99 against throughput', 'output tokens/s', 'latency p99 (ms)', [
        series('latency p99', BLUE, points.map((p) => ({ x: p.outputTokensPerS, y: p.latencyP99Ms })), loads),
        ...thresholdLine(annotations.slos, 'latency_ms', throughputs),
      ]),
    );
  }
  if (points.some((p) => p.goodput !== null)) {
    charts.push(
      lineChart('goodput-vs-load', `Goodput against ${by}`, loadTitle, 'requests/s', [
        series('goodput (req/s meeting every SLO)', GREEN, points.map((p) => ({ x: p.load, y: p.goodput ?? 0 }))),
        ...capacityLine(annotations.capacity, points.map((p) => p.qps), loadUnit),
        series('throughput (req/s)', BLUE, points.map((p) => ({ x: p.load, y: p.qps }))),
      ]),
    );
  }
  return charts;
}
