// `--server-metrics URL`: scrapes the server's Prometheus endpoint once a second during a run, off the hot path.
import { UsageError } from '../errors.js';
import { PrometheusPage, type ScrapeValues } from '../cluster/prometheus.js';
import { redactUrl } from '../util/redact.js';
import { SeriesStore } from './server-series.js';
import { isSpecDecodeMetric, SpecDecodeTracker, type SpeculativeDecodingDocument } from './spec-decode.js';

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
  /** Scrapes abandoned past MAX_SCRAPE_BYTES (counted in failed_scrapes too). */
  oversized_scrapes?: number;
  /** Most samples of one scrape left out because their metric was beyond the `maxSeries` names kept. */
  dropped_samples?: number;
  /** Every k-th scrape is kept in `series` (1 until a long run fills MAX_POINTS; then 2, 4...). */
  point_stride?: number;
}

/** The most bytes read of one scrape: a big vLLM page is well under 1 MB; an endless body is cut here. */
export const MAX_SCRAPE_BYTES = 32 * 1024 * 1024;
/** The longest line parsed (a label set is never near it); longer lines are skipped. */
const MAX_LINE_CHARS = 64 * 1024;

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
    throw new UsageError(`--server-metrics ${redactUrl(text)}: not a URL; use e.g. http://host:8000/metrics`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server-metrics ${redactUrl(text)}: must be http:// or https://`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/metrics';
  return url.toString();
}

export class ServerMetricsScraper {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxSeries: number;
  private readonly now: () => number;
  /** Aggregated on arrival: one bounded array of points per kept name, never every scrape. */
  private readonly store: SeriesStore;
  /** Speculative decoding's counters start -> end, apart from the (thinned) series so the delta stays exact. */
  private readonly spec = new SpecDecodeTracker();
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> | null = null;
  private scrapes = 0;
  private failed = 0;
  private oversized = 0;
  private droppedSamples = 0;
  private lastError: string | null = null;

  constructor(
    readonly url: string,
    options: ScraperOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? Math.max(500, Math.min(5000, this.intervalMs * 2));
    this.maxSeries = options.maxSeries ?? 200;
    this.now = options.now ?? Date.now;
    this.store = new SeriesStore(KNOWN_SERVER_METRICS, this.maxSeries);
  }

  /**
   * One scrape now, then one per interval; the timer is unref'd so it never keeps the process alive. The promise
   * settles when the first scrape has (within `timeoutMs`): a run awaits it, so counters have a baseline from before its first request.
   */
  start(): Promise<void> {
    if (this.timer !== null) return Promise.resolve();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    return this.pending ?? Promise.resolve();
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
      const values = await this.read();
      const receivedMs = this.now();
      this.scrapes++;
      // The server read its gauges somewhere between send and receive: the midpoint is the best single estimate.
      this.store.add((sentMs + receivedMs) / 2, values);
      this.spec.observe(values);
    } catch (error) {
      this.failed++;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  /** One page, parsed line by line as it arrives, at most MAX_SCRAPE_BYTES, only the kept names held. */
  private async read(): Promise<ScrapeValues> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no complete answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      const response = await fetch(this.url, { signal: abort.signal, headers: { accept: 'text/plain' } });
      if (!response.ok || response.body === null) {
        await response.body?.cancel().catch(() => {});
        throw new Error(`HTTP ${response.status}`);
      }
      const page = new PrometheusPage((name) => this.store.accepts(name) || isSpecDecodeMetric(name));
      const decoder = new TextDecoder();
      let bytes = 0;
      let rest = '';
      let skipping = false;
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        if (bytes > MAX_SCRAPE_BYTES) {
          this.oversized++;
          abort.abort();
          throw new Error(`the page is larger than ${MAX_SCRAPE_BYTES / (1024 * 1024)} MB; scrape abandoned`);
        }
        const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (!skipping) page.line(line);
          skipping = false;
        }
        // A line without an end in sight is skipped whole, not held.
        if (rest.length > MAX_LINE_CHARS) {
          rest = '';
          skipping = true;
        }
      }
      if (!skipping) page.line(rest + decoder.decode());
      this.droppedSamples = Math.max(this.droppedSamples, page.refusedSamples);
      return page.values();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Acceptance over the run when the server exposes speculative decoding metrics (vLLM, SGLang); after `finish`. */
  speculativeDecoding(): SpeculativeDecodingDocument | null {
    return this.spec.document();
  }

  private document(t0EpochMs: number): ServerMetricsDocument {
    // Times on a whole-millisecond grid: shifting them onto another origin in `merge` stays exact.
    const t0Ms = Math.round(t0EpochMs);
    return {
      url: redactUrl(this.url),
      t0_epoch_ms: t0Ms,
      interval_ms: this.intervalMs,
      scrapes: this.scrapes,
      failed_scrapes: this.failed,
      last_error: this.lastError,
      series: this.store.series(t0Ms),
      oversized_scrapes: this.oversized,
      dropped_samples: this.droppedSamples,
      point_stride: this.store.stride,
    };
  }
}
