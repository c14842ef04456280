// What `run` does for --shard, --start-at and --server-metrics: wait for the shared start, scrape, annotate the result.
import { hostname } from 'node:os';
import type { ResultDocument } from '../metrics/schema.js';
import type { RunTotals } from '../metrics/summary.js';
import { ServerMetricsScraper } from '../engine/server-metrics.js';
import type { ClusterPlanFields } from './plan.js';
import type { ShardSection } from './merge-shards.js';
import { shardLabel } from './shard.js';
import { waitUntil } from './start-at.js';
import { probeClockOffset } from './clock-probe.js';

/** A start later than this is worth telling the user: the shards will not overlap fully. */
const LATE_WARNING_MS = 1000;

export class ClusterRun {
  /** One scraper per --server-metrics URL (one per replica when repeated). */
  private scrapers: ServerMetricsScraper[] = [];
  private startLateMs: number | null = null;

  constructor(
    private readonly plan: ClusterPlanFields & { seed: number; baseUrl?: string | null },
    private readonly say: (text: string) => void,
  ) {}

  /** Seed for prompt order and arrivals: the shard's own when sharded. */
  get seed(): number {
    return this.plan.shardSeed ?? this.plan.seed;
  }

  /** Recorded in `config`, so the run can be repeated shard by shard. */
  extraConfig(): Record<string, unknown> {
    const extra: Record<string, unknown> = {};
    if (this.plan.shard) extra.shard = shardLabel(this.plan.shard);
    if (this.plan.startAtEpochMs != null) extra.start_at = new Date(this.plan.startAtEpochMs).toISOString();
    if (this.plan.serverMetricsUrl) extra.server_metrics_url = this.plan.serverMetricsUrl;
    if (this.plan.serverMetricsUrls) extra.server_metrics_urls = this.plan.serverMetricsUrls;
    return extra;
  }

  /** Waits for --start-at (after the pre-flight checks, so every shard is ready), then starts scraping. */
  async beforeStart(): Promise<void> {
    const startAt = this.plan.startAtEpochMs;
    if (startAt != null) {
      const waitMs = startAt - Date.now();
      if (waitMs > 0) this.say(`Waiting ${(waitMs / 1000).toFixed(1)} s for --start-at ${new Date(startAt).toISOString()}`);
      this.startLateMs = await waitUntil(startAt);
      if (this.startLateMs > LATE_WARNING_MS) {
        this.say(`Warning: starting ${(this.startLateMs / 1000).toFixed(1)} s after --start-at; this shard will not overlap the others fully`);
      }
    }
    const urls = this.plan.serverMetricsUrls ?? (this.plan.serverMetricsUrl ? [this.plan.serverMetricsUrl] : []);
    this.scrapers = urls.map((url) => new ServerMetricsScraper(url));
    // The first scrape is the baseline of every counter delta (speculative decoding): taken before the first request.
    await Promise.all(this.scrapers.map((scraper) => scraper.start()));
  }

  /** Stops the scrape timer (also on failure paths). */
  stop(): void {
    for (const scraper of this.scrapers) scraper.stop();
  }

  /** Adds `shard` and `server_metrics` to the result; the series count from the run's first send. */
  async annotate(result: ResultDocument): Promise<void> {
    const totals = result.totals as RunTotals | undefined;
    const { shard } = this.plan;
    if (shard) {
      const firstSend = totals?.first_send_epoch_ms ?? null;
      const startAt = this.plan.startAtEpochMs ?? null;
      // After the run, so the probes (about a second) never delay the shared start.
      const offset = this.plan.baseUrl ? await probeClockOffset(`${this.plan.baseUrl.replace(/\/+$/, '')}/models`) : null;
      const section: ShardSection = {
        index: shard.index,
        count: shard.count,
        label: shardLabel(shard),
        host: hostname(),
        start_at: startAt === null ? null : new Date(startAt).toISOString(),
        start_late_ms: startAt === null || firstSend === null ? null : Math.round(firstSend - startAt),
        base_seed: this.plan.seed,
        seed: this.seed,
        server_clock_offset_ms: offset,
      };
      result.shard = section;
    }
    const scraped = [];
    for (const scraper of this.scrapers) {
      const metrics = await scraper.finish(totals?.first_send_epoch_ms ?? Date.parse(result.started_at));
      if (metrics.scrapes === 0) this.say(`Warning: --server-metrics ${metrics.url}: no scrape succeeded (${metrics.last_error ?? 'unknown error'})`);
      else if (metrics.oversized_scrapes) this.say(`Warning: --server-metrics ${metrics.url}: ${metrics.oversized_scrapes} scrape(s) larger than 32 MB abandoned`);
      if (metrics.dropped_samples) this.say(`Note: --server-metrics ${metrics.url}: more metrics than kept; up to ${metrics.dropped_samples} samples a scrape left out (the plotted families are always kept)`);
      scraped.push(metrics);
      // Speculative decoding's counters are read from the first endpoint (one per result, as `merge` keeps them).
      if (scraper === this.scrapers[0]) {
        const spec = scraper.speculativeDecoding();
        if (spec !== null) result.speculative_decoding = spec;
      }
    }
    // The first endpoint keeps its place (server_metrics); the other replicas' follow, as `llmperf merge` writes them.
    if (scraped.length > 0) result.server_metrics = scraped[0];
    if (scraped.length > 1) result.server_metrics_more = scraped.slice(1);
  }
}
