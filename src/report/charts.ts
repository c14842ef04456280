// The charts of a run as plain chart.js configurations (JSON only, no functions): the HTML report and the PNGs draw the same ones.
import type { ChartConfiguration } from 'chart.js';
import { decodeHistogram } from '../metrics/histogram.js';
import { weightedFromHistogram, quantile } from '../metrics/histogram-values.js';
import type { DistributionKey, DistributionSummary, RequestRecord, ResultDocument } from '../metrics/schema.js';
import { DISTRIBUTION_LABELS } from './tables.js';

export interface ChartSpec {
  /** File-name-safe id: `charts/<id>.png`, `<canvas id="chart-<id>">`. */
  id: string;
  title: string;
  config: ChartConfiguration;
}

/** The distributions the report draws (ITL is the time per package, the gap between chunks). */
export const CHARTED_DISTRIBUTIONS: DistributionKey[] = ['ttft_ms', 'latency_ms', 'tpot_ms', 'itl_ms'];
const PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];
const HISTOGRAM_BINS = 40;
/** Scatter plots above this many points get slow in a browser and say nothing more; sample evenly. */
const MAX_SCATTER_POINTS = 4000;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

function options(title: string, xTitle: string, yTitle: string, extra: Record<string, unknown> = {}): ChartConfiguration['options'] {
  return {
    animation: false,
    plugins: { title: { display: true, text: title, font: { size: 16 } }, legend: { display: true } },
    scales: {
      x: { title: { display: true, text: xTitle } },
      y: { title: { display: true, text: yTitle }, beginAtZero: true },
      ...extra,
    },
  } as ChartConfiguration['options'];
}

function distributionCharts(result: ResultDocument, key: DistributionKey): ChartSpec[] {
  const encoded = result.histograms?.[key];
  if (!encoded) return [];
  const histogram = decodeHistogram(encoded);
  if (histogram.totalCount === 0) return [];
  const label = DISTRIBUTION_LABELS[key];
  const name = key.replace(/_ms$/, '');
  // The ends come from the summary: the recorder knew the exact min and max, a decoded histogram only their buckets.
  const stored = (result.summary as Record<string, unknown>)[key] as DistributionSummary | undefined;
  const curve = PERCENTILES.map((p) => {
    if (p === 0 && stored?.count) return stored.min;
    if (p === 100 && stored?.count) return stored.max;
    return Math.round(p === 0 ? histogram.minNonZeroValue : p === 100 ? histogram.maxValue : histogram.getValueAtPercentile(p)) / 1000;
  });
  const values = weightedFromHistogram(histogram);
  // Bins span min..p99.9 so one outlier does not squash the picture; the last bin also counts everything above.
  const low = quantile(values, 0);
  const high = Math.max(quantile(values, 0.999), low + 0.001);
  const width = (high - low) / HISTOGRAM_BINS;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < values.values.length; i++) {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((values.values[i]! - low) / width)));
    counts[bin] += values.counts[i]!;
  }
  const binLabels = counts.map((_, i) => (low + i * width).toFixed(width < 1 ? 2 : 0));
  return [
    {
      id: `${name}-percentiles`,
      title: `${label}: percentiles`,
      config: {
        type: 'line',
        data: { labels: PERCENTILES.map((p) => `p${p}`), datasets: [{ label, data: curve, borderColor: COLORS[0], backgroundColor: COLORS[0], tension: 0 }] },
        options: options(`${label}: percentiles`, 'percentile', 'ms'),
      },
    },
    {
      id: `${name}-histogram`,
      title: `${label}: histogram`,
      config: {
        type: 'bar',
        data: { labels: binLabels, datasets: [{ label: `${label}, requests per bin`, data: counts, backgroundColor: COLORS[1], barPercentage: 1, categoryPercentage: 1 }] },
        options: options(`${label}: histogram`, 'ms (bin start)', 'count'),
      },
    },
  ];
}

function overTimeCharts(result: ResultDocument, records: readonly RequestRecord[] | null): ChartSpec[] {
  const points = result.timeseries ?? [];
  const labels = points.map((p) => p.t_s);
  const charts: ChartSpec[] = [
    {
      id: 'throughput',
      title: 'Throughput over time',
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'output tokens/s', data: points.map((p) => p.output_tokens), borderColor: COLORS[0], backgroundColor: COLORS[0], yAxisID: 'y' },
            { label: 'requests finished/s', data: points.map((p) => p.finished), borderColor: COLORS[2], backgroundColor: COLORS[2], yAxisID: 'y1' },
          ],
        },
        options: options('Throughput over time', 'seconds since start', 'output tokens/s', { y1: { position: 'right', beginAtZero: true, title: { display: true, text: 'requests/s' }, grid: { drawOnChartArea: false } } }),
      },
    },
    {
      id: 'in-flight',
      title: 'Requests in flight over time',
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'in flight', data: points.map((p) => p.in_flight), borderColor: COLORS[3], backgroundColor: COLORS[3], stepped: true },
            { label: 'started/s', data: points.map((p) => p.started), borderColor: COLORS[4], backgroundColor: COLORS[4] },
          ],
        },
        options: options('Requests in flight over time', 'seconds since start', 'requests'),
      },
    },
  ];
  // Errors per second, by kind when the request records say which (they end at start + latency).
  const failures = (records ?? []).filter((r) => !r.ok);
  let datasets: Array<{ label: string; data: number[]; backgroundColor: string }>;
  if (failures.length > 0) {
    // A loop, not Math.max(...array): a run with 100k failures would overflow the argument list.
    let seconds = labels.length;
    for (const r of failures) seconds = Math.max(seconds, Math.floor((r.start_ms + (r.latency_ms ?? 0)) / 1000) + 1);
    const kinds = [...new Set(failures.map((r) => r.error ?? 'unknown'))];
    datasets = kinds.map((kind, i) => {
      const data = new Array<number>(seconds).fill(0);
      for (const r of failures) if ((r.error ?? 'unknown') === kind) data[Math.floor((r.start_ms + (r.latency_ms ?? 0)) / 1000)]! += 1;
      return { label: kind, data, backgroundColor: COLORS[(i + 1) % COLORS.length]! };
    });
    while (labels.length < seconds) labels.push(labels.length);
  } else {
    datasets = [{ label: 'failed', data: points.map((p) => p.failed), backgroundColor: COLORS[1]! }];
  }
  const errorOptions = options('Errors over time', 'seconds since start', 'failed requests/s') as Record<string, any>;
  errorOptions.scales.x.stacked = true;
  errorOptions.scales.y.stacked = true;
  charts.push({ id: 'errors', title: 'Errors over time', config: { type: 'bar', data: { labels: [...labels], datasets }, options: errorOptions } });
  return charts;
}

function scatterCharts(records: readonly RequestRecord[] | null): ChartSpec[] {
  if (!records || records.length === 0) return [];
  const ok = records.filter((r) => r.ok && r.latency_ms !== null);
  const stride = Math.max(1, Math.ceil(ok.length / MAX_SCATTER_POINTS));
  const sampled = ok.filter((_, i) => i % stride === 0);
  const scatter = (axis: 'input_tokens' | 'output_tokens', title: string): ChartSpec => ({
    id: `vs-${axis.replace('_tokens', '')}-length`,
    title,
    config: {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'TTFT (ms)', data: sampled.filter((r) => r.ttft_ms !== null).map((r) => ({ x: r[axis], y: r.ttft_ms! })), backgroundColor: COLORS[0], pointRadius: 2 },
          { label: 'latency (ms)', data: sampled.map((r) => ({ x: r[axis], y: r.latency_ms! })), backgroundColor: COLORS[1], pointRadius: 2 },
        ],
      },
      options: options(title, axis.replace('_', ' '), 'ms', { x: { type: 'linear', title: { display: true, text: axis.replace('_', ' ') } } }),
    },
  });
  return [scatter('input_tokens', 'TTFT and latency against input length'), scatter('output_tokens', 'TTFT and latency against output length')];
}

/**
 * Every chart the run's data supports; scatter plots need the request records. (The server's own metrics,
 * --server-metrics, are drawn by src/cluster/report-sections.ts as an extra section.)
 */
export function buildCharts(result: ResultDocument, records: readonly RequestRecord[] | null): ChartSpec[] {
  return [...CHARTED_DISTRIBUTIONS.flatMap((key) => distributionCharts(result, key)), ...overTimeCharts(result, records), ...scatterCharts(records)];
}
