// Report pieces for cluster runs: the server's metrics as charts on the client's time axis, and the shards of a merge.
import type { ChartSpec } from '../report/charts.js';
import { escapeHtml, htmlSection, jsonForScript } from '../report/html.js';
import type { ResultDocument } from '../metrics/schema.js';
import type { ServerMetricsDocument } from '../engine/server-metrics.js';
import type { MergedSection } from './merge-shards.js';
import { gpuSection } from '../live/energy-section.js';
import { speculativeOf, speculativeRows } from '../report/token-level.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** Series the charts group together, across serving stacks (vLLM, SGLang, TGI, llama.cpp). */
const QUEUE_METRICS = [
  'vllm:num_requests_running', 'vllm:num_requests_waiting', 'sglang:num_running_reqs', 'sglang:num_queue_reqs',
  'tgi_batch_current_size', 'tgi_queue_size', 'llamacpp:requests_processing', 'llamacpp:requests_deferred',
];
const CACHE_METRICS = ['vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc', 'sglang:token_usage', 'llamacpp:kv_cache_usage_ratio'];
const PREEMPTION_METRICS = ['vllm:num_preemptions_total', 'vllm:num_preemptions'];
const TOKEN_COUNTERS = ['vllm:generation_tokens_total', 'llamacpp:tokens_predicted_total'];

type Point = { x: number; y: number };

function lineChart(id: string, title: string, yTitle: string, datasets: Array<{ label: string; data: Point[]; stepped?: boolean }>): ChartSpec {
  return {
    id,
    title,
    config: {
      type: 'line',
      data: { datasets: datasets.map((d, i) => ({ ...d, borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], pointRadius: 1, tension: 0 })) },
      options: {
        animation: false,
        plugins: { title: { display: true, text: title, font: { size: 16 } }, legend: { display: true } },
        scales: { x: { type: 'linear', title: { display: true, text: 'seconds since start (client clock)' } }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
      },
    } as ChartSpec['config'],
  };
}

const points = (series: Array<[number, number]>, scale = 1): Point[] => series.map(([x, y]) => ({ x, y: y * scale }));

/** A counter's per-second rate between consecutive scrapes (restarts, where it drops, are skipped). */
function rate(series: Array<[number, number]>): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < series.length; i++) {
    const [t0, v0] = series[i - 1]!;
    const [t1, v1] = series[i]!;
    if (t1 > t0 && v1 >= v0) out.push({ x: t1, y: Math.round(((v1 - v0) / (t1 - t0)) * 10) / 10 });
  }
  return out;
}

/** Charts of the server's own metrics, x = seconds since the client's first send (the time series' axis). */
export function serverMetricsCharts(result: ResultDocument): ChartSpec[] {
  const metrics = result.server_metrics as ServerMetricsDocument | undefined;
  if (!metrics || !metrics.series) return [];
  const s = metrics.series;
  const present = (names: string[]) => names.filter((n) => (s[n]?.length ?? 0) > 0);
  const charts: ChartSpec[] = [];
  const queue = present(QUEUE_METRICS);
  if (queue.length > 0) {
    // The client's in-flight count at the end of each second, for a side-by-side view of both ends.
    const client = (result.timeseries ?? []).map((p) => ({ x: p.t_s + 1, y: p.in_flight }));
    charts.push(lineChart('server-requests', 'Server: requests running and waiting', 'requests', [...queue.map((n) => ({ label: n, data: points(s[n]!) })), { label: 'client: in flight', data: client, stepped: true }]));
  }
  const cache = present(CACHE_METRICS);
  if (cache.length > 0) charts.push(lineChart('server-kv-cache', 'Server: KV-cache usage', '%', cache.map((n) => ({ label: n, data: points(s[n]!, 100) }))));
  const preemptions = present(PREEMPTION_METRICS);
  if (preemptions.length > 0) {
    charts.push(lineChart('server-preemptions', 'Server: preemptions since the first scrape', 'preemptions', preemptions.map((n) => ({ label: n, data: s[n]!.map(([x, y]) => ({ x, y: y - s[n]![0]![1] })) }))));
  }
  const tokens = present(TOKEN_COUNTERS);
  if (tokens.length > 0) {
    const client = (result.timeseries ?? []).map((p) => ({ x: p.t_s + 1, y: p.output_tokens }));
    charts.push(lineChart('server-tokens', 'Server: generated tokens per second', 'tokens/s', [...tokens.map((n) => ({ label: `${n} (rate)`, data: rate(s[n]!) })), { label: 'client: output tokens/s', data: client }]));
  }
  return charts;
}

/** Canvases plus a boot that waits for the page's own Chart.js (loaded after the sections). */
function chartsHtml(charts: ChartSpec[]): string {
  if (charts.length === 0) return '';
  const canvases = charts.map((c) => `<div class="chart"><canvas id="chart-${escapeHtml(c.id)}" aria-label="${escapeHtml(c.title)}" role="img"></canvas></div>`).join('');
  const data = charts.map((c) => ({ id: c.id, config: c.config }));
  const boot = `window.addEventListener('load',function(){var specs=JSON.parse(document.getElementById('llmperf-server-charts').textContent);specs.forEach(function(spec){var cfg=spec.config;cfg.options.responsive=true;cfg.options.maintainAspectRatio=false;new Chart(document.getElementById('chart-'+spec.id),cfg);});});`;
  return `<div class="charts">${canvases}</div><script type="application/json" id="llmperf-server-charts">${jsonForScript(data)}</script><script>${boot}</script>`;
}

export function serverMetricsSection(result: ResultDocument): string {
  const metrics = result.server_metrics as ServerMetricsDocument | undefined;
  if (!metrics) return '';
  const charts = serverMetricsCharts(result);
  const status = `${metrics.scrapes} scrapes of ${escapeHtml(metrics.url)} every ${metrics.interval_ms / 1000} s` +
    (metrics.failed_scrapes > 0 ? `; ${metrics.failed_scrapes} failed (${escapeHtml(metrics.last_error ?? '')})` : '');
  const body = `<p>${status}. Times are seconds since the client's first request, the axis of the charts above.</p>` +
    (charts.length > 0 ? chartsHtml(charts) : `<p>No known serving metrics among the ${Object.keys(metrics.series).length} series stored in result.json.</p>`);
  return htmlSection("Server metrics", body, 'server-metrics');
}

export function shardsSection(result: ResultDocument): string {
  const merged = result.merged as MergedSection | undefined;
  if (!merged) return '';
  const origin = Math.min(...merged.shards.map((s) => s.first_send_epoch_ms ?? Infinity));
  const rows = merged.shards
    .map((s) => {
      const offset = s.first_send_epoch_ms === null ? '' : ((s.first_send_epoch_ms - origin) / 1000).toFixed(3);
      const duration = s.first_send_epoch_ms === null || s.last_end_epoch_ms === null ? '' : ((s.last_end_epoch_ms - s.first_send_epoch_ms) / 1000).toFixed(1);
      return `<tr><td>${escapeHtml(s.shard ?? 'run')}</td><td>${escapeHtml(s.host ?? '')}</td><td>${offset}</td><td>${duration}</td><td>${s.concurrency}</td><td>${s.sent}</td><td>${s.succeeded}</td><td>${s.failed}</td></tr>`;
    })
    .join('');
  const notes = merged.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  const body = `<p>${merged.count} results merged; first sends spread over ${(merged.start_spread_ms / 1000).toFixed(3)} s, all running together for ${Math.round(merged.overlap_fraction * 100)}% of the window${merged.clock_skew_suspected ? '; <strong>clock skew suspected</strong>' : ''}.</p>` +
    (notes ? `<ul>${notes}</ul>` : '') +
    `<table><thead><tr><th>shard</th><th>host</th><th>start (s)</th><th>duration (s)</th><th>concurrency</th><th>sent</th><th>succeeded</th><th>failed</th></tr></thead><tbody>${rows}</tbody></table>`;
  return htmlSection('Shards', body, 'shards');
}

/** Speculative decoding's acceptance over the run, from the server's metrics (result.speculative_decoding). */
export function speculativeSection(result: ResultDocument): string {
  const spec = speculativeOf(result);
  if (spec === null) return '';
  const rows = speculativeRows(spec).map(([label, value, key]) => `<tr data-metric="${escapeHtml(key)}"><th>${escapeHtml(label)}</th><td class="num">${escapeHtml(value)}</td><td><code>${escapeHtml(key)}</code></td></tr>`);
  const body = `<p>From the server (${escapeHtml(spec.source)}): ${escapeHtml(spec.method)}.</p><table id="speculative-table" class="kv">${rows.join('')}</table>`;
  return htmlSection('Speculative decoding', body, 'speculative-decoding');
}

/** Every cluster section the result has data for (none for a plain run): pass as `extraSections`. */
export function clusterSections(result: ResultDocument): string[] {
  return [shardsSection(result), serverMetricsSection(result), speculativeSection(result), gpuSection(result)].filter((html) => html !== '');
}
