// `--server-metrics URL`: scrapes the server's Prometheus endpoint once a second during a run, off the hot path.
import { UsageError } from '../errors.js';
import { parsePrometheusText, type ScrapeValues } from '../cluster/prometheus.js';

/** The series a result stores: `t_s` counts from `t0_epoch_ms`, the client's first send (the time series' origin). */
export interface ServerMetricsDocument {
  url: string;
  t0_epoch_ms: number;
  interval_ms: number;
  scrapes: number;
  failed_scrapes: number;
  last_error: string | null;
  /** Metric name -> [t_s, value] pairs; label sets combined (summed, fractions averaged). */
  series: Record<string, Array<[number, number]>>;
}

/** Names the report plots; kept first when a server exposes more metrics than `maxSeries`. */
export const KNOWN_SERVER_METRICS = [
  'vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc',
  'vllm:num_preemptions_total', 'vllm:generation_tokens_total', 'vllm:prompt_tokens_total', 'vllm:request_success_total',
  'sglang:num_running_reqs', 'sglang:num_queue_reqs', 'sglang:token_usage', 'sglang:gen_throughput',
  'tgi_batch_current_size', 'tgi_queue_size', 'llamacpp:requests_processing', 'llamacpp:requests_deferred',
  'llamacpp:kv_cache_usage_ratio', 'llamacpp:tokens_predicted_total',
  'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
] as const;

export interface ScraperOptions {
  intervalMs?: number;
  /** Per-scrape timeout; a slow endpoint skips ticks rather than piling requests up. */
  timeoutMs?: number;
  /** Most metric names stored (a server may expose hundreds; results stay small). */
  maxSeries?: number;
  now?: () => number;
}

/** `http://host:8000` (no path) means `http://host:8000/metrics`, where every supported server serves them. */
export function normalizeMetricsUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server-metrics ${text}: not a URL; use e.g. http://host:8000/metrics`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server-metrics ${text}: must be http:// or https://`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/metrics';
  return url.toString();
}

export class ServerMetricsScraper {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxSeries: number;
  private readonly now: () => number;
  private readonly samples: Array<{ epochMs: number; values: ScrapeValues }> = [];
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> | null = null;
  private failed = 0;
  private lastError: string | null = null;

  constructor(
    readonly url: string,
    options: ScraperOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? Math.max(500, Math.min(5000, this.intervalMs * 2));
    this.maxSeries = options.maxSeries ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** One scrape now, then one per interval; the timer is unref'd so it never keeps the process alive. */
  start(): void {
    if (this.timer !== null) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops, waits for a scrape in progress, takes a last one, and returns the series counted from `t0EpochMs`. */
  async finish(t0EpochMs: number): Promise<ServerMetricsDocument> {
    this.stop();
    await this.pending;
    await this.scrape();
    return this.document(t0EpochMs);
  }

  /** Skips a tick while the previous scrape is still out, so a slow endpoint gets one request at a time. */
  private tick(): void {
    if (this.pending !== null) return;
    this.pending = this.scrape().finally(() => (this.pending = null));
  }

  private async scrape(): Promise<void> {
    const sentMs = this.now();
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'text/plain' } });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const receivedMs = this.now();
      // The server read its gauges somewhere between send and receive: the midpoint is the best single estimate.
      this.samples.push({ epochMs: (sentMs + receivedMs) / 2, values: parsePrometheusText(text) });
    } catch (error) {
      this.failed++;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  private document(t0EpochMs: number): ServerMetricsDocument {
    const names = new Set<string>();
    for (const { values } of this.samples) for (const name of values.keys()) names.add(name);
    const known = KNOWN_SERVER_METRICS.filter((name) => names.has(name));
    const others = [...names].filter((name) => !(known as string[]).includes(name)).sort();
    const kept = [...known, ...others].slice(0, this.maxSeries);
    // Times on a whole-millisecond grid: shifting them onto another origin in `merge` stays exact.
    const t0Ms = Math.round(t0EpochMs);
    const series: Record<string, Array<[number, number]>> = {};
    for (const name of kept) {
      const points: Array<[number, number]> = [];
      for (const { epochMs, values } of this.samples) {
        const value = values.get(name);
        if (value !== undefined) points.push([(Math.round(epochMs) - t0Ms) / 1000, value]);
      }
      series[name] = points;
    }
    return {
      url: this.url,
      t0_epoch_ms: t0Ms,
      interval_ms: this.intervalMs,
      scrapes: this.samples.length,
      failed_scrapes: this.failed,
      last_error: this.lastError,
      series,
    };
  }
}
