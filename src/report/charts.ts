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
/** Percentiles drawn on the curve; the x axis is in "nines" (-log10(1 - p)), so the tail is as wide as the body. */
const PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99];
const nines = (p: number): number => -Math.log10(1 - p / 100);
const HISTOGRAM_BINS = 40;
/** Scatter plots above this many points get slow in a browser and say nothing more; sample evenly. */
const MAX_SCATTER_POINTS = 4000;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/**
 * One colour per error kind, the same in every chart and report: warm colours only (an error is never
 * green or blue), fixed for the common kinds, and a stable pick from the rest for any other kind.
 */
const ERROR_COLORS: Record<string, string> = {
  http_429: '#f59e0b', http_500: '#dc2626', http_502: '#b91c1c', http_503: '#ea580c', http_504: '#c2410c', http_4xx: '#a16207', http_5xx: '#991b1b',
  timeout: '#7c2d12', idle_timeout: '#9a3412', stream_cut: '#be185d', connect_refused: '#7f1d1d', connection_reset: '#db2777',
  bad_json: '#a855f7', bad_stream: '#9333ea', no_done: '#c026d3', unknown: '#6b7280',
};
const SPARE_ERROR_COLORS = ['#e11d48', '#d97706', '#9f1239', '#f97316', '#86198f', '#b45309', '#831843', '#facc15'];
export function errorColor(kind: string): string {
  if (ERROR_COLORS[kind]) return ERROR_COLORS[kind]!;
  let hash = 0;
  for (let i = 0; i < kind.length; i++) hash = (hash * 31 + kind.charCodeAt(i)) >>> 0;
  return SPARE_ERROR_COLORS[hash % SPARE_ERROR_COLORS.length]!;
}

/** A bin width of 1, 2 or 5 times a power of ten, near `raw`: bin edges then fall on round numbers. */
export function niceWidth(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw)!;
  return step * power;
}
const roundTo = (value: number, width: number) => Number((Math.round(value / width) * width).toPrecision(12));

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
    const y = p === 0 && stored?.count ? stored.min : Math.round(p === 0 ? histogram.minNonZeroValue : histogram.getValueAtPercentile(p)) / 1000;
    return { x: nines(p), y };
  });
  const values = weightedFromHistogram(histogram);
  // Bins span min..p99.9 so one outlier does not squash the picture; the last bin also counts everything above.
  // Round edges: a 1/2/5 x 10^k width, and the first edge a multiple of it.
  const width = niceWidth((Math.max(quantile(values, 0.999), quantile(values, 0) + 0.001) - quantile(values, 0)) / HISTOGRAM_BINS);
  const low = Math.floor(quantile(values, 0) / width) * width;
  const bins = Math.max(1, Math.min(HISTOGRAM_BINS + 2, Math.ceil((quantile(values, 0.999) - low) / width) + 1));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.values.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((values.values[i]! - low) / width)));
    counts[bin] += values.counts[i]!;
  }
  const binLabels = counts.map((_, i) => String(roundTo(low + i * width, width)));
  return [
    {
      id: `${name}-percentiles`,
      title: `${label}: percentiles`,
      config: {
        type: 'line',
        data: { datasets: [{ label, data: curve, borderColor: COLORS[0], backgroundColor: COLORS[0], tension: 0 }] },
        options: options(`${label}: percentiles`, 'percentile (log scale of nines: p50, p90, p99, p99.9)', label, {
          x: { type: 'linear', min: 0, max: 4, llmperfNines: true, title: { display: true, text: 'percentile (log scale of nines: p50, p90, p99, p99.9)' } },
        }),
      },
    },
    {
      id: `${name}-histogram`,
      title: `${label}: histogram`,
      config: {
        type: 'bar',
        data: { labels: binLabels, datasets: [{ label: `${label}, requests per bin`, data: counts, backgroundColor: COLORS[5], barPercentage: 1, categoryPercentage: 1 }] },
        options: options(`${label}: histogram`, `${label.replace(/ \(ms\)$/, '')}, bin start (ms; bins of ${roundTo(width, width)} ms)`, 'requests'),
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
        options: options('Throughput over time', 'time since start (s)', 'output tokens/s', { y1: { position: 'right', beginAtZero: true, title: { display: true, text: 'requests/s' }, grid: { drawOnChartArea: false } } }),
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
        options: options('Requests in flight over time', 'time since start (s)', 'requests in flight; started per second'),
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
    datasets = kinds.map((kind) => {
      const data = new Array<number>(seconds).fill(0);
      for (const r of failures) if ((r.error ?? 'unknown') === kind) data[Math.floor((r.start_ms + (r.latency_ms ?? 0)) / 1000)]! += 1;
      return { label: kind, data, backgroundColor: errorColor(kind) };
    });
    while (labels.length < seconds) labels.push(labels.length);
  } else {
    // No failures anywhere: an empty grid says nothing the headline's "0 errors" does not.
    if (!points.some((p) => p.failed > 0)) return charts;
    datasets = [{ label: 'failed', data: points.map((p) => p.failed), backgroundColor: errorColor('unknown') }];
  }
  const errorOptions = options('Errors over time', 'time since start (s)', 'failed requests per second') as Record<string, any>;
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
  // A scatter against a length every request shares (fixed --input-tokens, --ignore-eos) is one vertical line: left out.
  const varies = (axis: 'input_tokens' | 'output_tokens') => sampled.some((r) => r[axis] !== sampled[0]![axis]);
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
      options: options(title, `${axis.replace('_', ' ')} per request`, 'time (ms)', { x: { type: 'linear', title: { display: true, text: `${axis.replace('_', ' ')} per request` } } }),
    },
  });
  if (sampled.length === 0) return [];
  return [
    ...(varies('input_tokens') ? [scatter('input_tokens', 'TTFT and latency against input length')] : []),
    ...(varies('output_tokens') ? [scatter('output_tokens', 'TTFT and latency against output length')] : []),
  ];
}

/**
 * Open loop (--rate, trace replay): the arrivals the schedule made due per bucket against those actually sent.
 * The two lines coincide when the client kept to the schedule; a sent line shifted right or flattened is lateness.
 */
function arrivalChart(result: ResultDocument): ChartSpec[] {
  const arrivals = result.arrivals;
  if (!arrivals || arrivals.scheduled_total + arrivals.achieved_total === 0) return [];
  const seconds = arrivals.bucket_ms / 1000;
  const labels = arrivals.scheduled.map((_, i) => Number((i * seconds).toPrecision(6)));
  const trace = typeof result.config.trace_format === 'string';
  const title = trace ? 'Arrivals: sent vs the trace' : 'Arrivals: sent vs scheduled';
  const bucket = arrivals.bucket_ms >= 1000 ? `${arrivals.bucket_ms / 1000} s` : `${arrivals.bucket_ms} ms`;
  return [
    {
      id: 'arrivals',
      title,
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: trace ? `trace (scheduled, ${arrivals.scheduled_total})` : `scheduled (${arrivals.scheduled_total})`, data: arrivals.scheduled, borderColor: COLORS[3], backgroundColor: COLORS[3], stepped: true, borderDash: [6, 4], pointRadius: 0 },
            { label: `sent (${arrivals.achieved_total})`, data: arrivals.achieved, borderColor: COLORS[0], backgroundColor: COLORS[0], stepped: true, pointRadius: 0 },
          ],
        },
        options: options(title, `time since start (s; buckets of ${bucket})`, `requests per ${bucket}`),
      },
    },
  ];
}

/**
 * Every chart the run's data supports; scatter plots need the request records. (The server's own metrics,
 * --server-metrics, are drawn by src/cluster/report-sections.ts as an extra section.)
 */
export function buildCharts(result: ResultDocument, records: readonly RequestRecord[] | null): ChartSpec[] {
  return [
    ...CHARTED_DISTRIBUTIONS.flatMap((key) => distributionCharts(result, key)),
    ...overTimeCharts(result, records),
    ...arrivalChart(result),
    ...scatterCharts(records),
  ];
}
