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
  private scraper: ServerMetricsScraper | null = null;
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
    if (this.plan.serverMetricsUrl) {
      this.scraper = new ServerMetricsScraper(this.plan.serverMetricsUrl);
      // The first scrape is the baseline of every counter delta (speculative decoding): taken before the first request.
      await this.scraper.start();
    }
  }

  /** Stops the scrape timer (also on failure paths). */
  stop(): void {
    this.scraper?.stop();
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
    if (this.scraper) {
      const metrics = await this.scraper.finish(totals?.first_send_epoch_ms ?? Date.parse(result.started_at));
      if (metrics.scrapes === 0) this.say(`Warning: --server-metrics ${metrics.url}: no scrape succeeded (${metrics.last_error ?? 'unknown error'})`);
      else if (metrics.oversized_scrapes) this.say(`Warning: --server-metrics ${metrics.url}: ${metrics.oversized_scrapes} scrape(s) larger than 32 MB abandoned`);
      if (metrics.dropped_samples) this.say(`Note: --server-metrics ${metrics.url}: more metrics than kept; up to ${metrics.dropped_samples} samples a scrape left out (the plotted families are always kept)`);
      result.server_metrics = metrics;
      const spec = this.scraper.speculativeDecoding();
      if (spec !== null) result.speculative_decoding = spec;
    }
  }
}
