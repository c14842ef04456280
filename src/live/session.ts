// A run's live export: opens the sinks the plan asks for, feeds them at request end and once a second, closes them after the run.
import { newRunId } from '../util/out-dir.js';
import type { RequestRecord } from '../metrics/schema.js';
import type { LivePlan } from './options.js';
import type { ItlSource } from './itl-histogram.js';
import type { LiveLabels } from './names.js';
import { OtlpSink, type RunIdentity } from './otlp.js';
import { PrometheusSink } from './prometheus.js';
import { toSample, type LiveSink } from './sink.js';
import { SpanSink } from './traces.js';

/** What the session reads from a running engine once a second (LoadRun and WorkerRun both have it). */
export interface LiveRunView {
  recorder: { counts: { sent: number; first_send_epoch_ms?: number | null }; currentInFlight: number; liveItl?: () => ItlSource | null };
}

/** What the result records of the live export, so a result can be found again in Prometheus or a trace backend. */
export interface LiveDocument {
  run_id: string;
  metrics_url?: string;
  otlp_endpoint?: string;
  otlp_traces?: boolean;
}

export class LiveSession {
  readonly runId: string;
  private readonly sinks: LiveSink[] = [];
  private prometheus: PrometheusSink | null = null;
  private spans: SpanSink | null = null;
  private metricsUrl: string | null = null;
  private attached: { labels: LiveLabels; run: LiveRunView; sent: number; timer: NodeJS.Timeout; warmup: number } | null = null;

  private constructor(
    private readonly plan: LivePlan,
    private readonly identity: RunIdentity,
  ) {
    this.runId = identity.runId;
  }

  /** Null when the plan exports nothing (the default): the run then carries no live code at all. */
  static async open(plan: LivePlan, identity: Omit<RunIdentity, 'runId'> & { runId?: string }): Promise<LiveSession | null> {
    if (plan.metricsPort === null && plan.otlpEndpoint === null) return null;
    const session = new LiveSession(plan, { ...identity, runId: identity.runId ?? newRunId() });
    if (plan.metricsPort !== null) {
      const sink = new PrometheusSink();
      session.metricsUrl = await sink.listen(plan.metricsPort, plan.metricsHost);
      session.prometheus = sink;
      session.sinks.push(sink);
    }
    if (plan.otlpEndpoint !== null) {
      session.sinks.push(new OtlpSink(plan.otlpEndpoint, session.identity, plan.otlpIntervalMs));
      if (plan.otlpTraces) session.spans = new SpanSink(plan.otlpEndpoint, session.identity);
    }
    return session;
  }

  get url(): string | null {
    return this.metricsUrl;
  }

  document(): LiveDocument {
    return {
      run_id: this.runId,
      ...(this.metricsUrl !== null ? { metrics_url: this.metricsUrl } : {}),
      ...(this.plan.otlpEndpoint !== null ? { otlp_endpoint: this.plan.otlpEndpoint, otlp_traces: this.plan.otlpTraces } : {}),
    };
  }

  /** Follows one run (a sweep's stage: one per stage, in turn); sent and in-flight are read once a second. */
  attach(run: LiveRunView, stage: string, model: string, warmupRequests: number): void {
    this.detach();
    const labels: LiveLabels = { run_id: this.runId, model, stage };
    const itl = run.recorder.liveItl?.() ?? null;
    if (itl !== null) this.prometheus?.attachItl(labels, itl);
    const timer = setInterval(() => this.poll(), 1000);
    timer.unref();
    this.attached = { labels, run, sent: 0, timer, warmup: warmupRequests };
    this.poll();
  }

  /** Request end (the engine's onRecord hook): a handful of counter and histogram updates, no I/O. */
  record(record: RequestRecord): void {
    const attached = this.attached;
    if (attached === null) return;
    const sample = toSample(record, attached.warmup, attached.run.recorder.counts.first_send_epoch_ms ?? Date.now());
    for (const sink of this.sinks) sink.request(attached.labels, sample);
    this.spans?.request(attached.labels, sample);
  }

  /** The run ended: last sent / in-flight values; the ITL series keeps its final buckets. */
  detach(): void {
    const attached = this.attached;
    if (attached === null) return;
    this.poll();
    clearInterval(attached.timer);
    this.prometheus?.detachItl(attached.labels);
    this.attached = null;
  }

  private poll(): void {
    const attached = this.attached;
    if (attached === null) return;
    const sent = attached.run.recorder.counts.sent;
    const delta = sent - attached.sent;
    attached.sent = sent;
    for (const sink of this.sinks) sink.progress(attached.labels, delta, attached.run.recorder.currentInFlight);
  }

  /**
   * After the run: if something scraped the endpoint during it, wait (at most --metrics-linger) for one
   * more scrape so the scraper sees the final totals; nobody scraping means no wait. Then push OTLP's last values.
   */
  async close(notice?: (text: string) => void): Promise<void> {
    this.detach();
    const prometheus = this.prometheus;
    if (prometheus !== null && prometheus.scrapes > 0 && this.plan.metricsLingerMs > 0) {
      notice?.(`Live metrics: waiting up to ${this.plan.metricsLingerMs / 1000}s for a last scrape of ${this.metricsUrl}`);
      await prometheus.nextScrape(this.plan.metricsLingerMs);
    }
    await Promise.all([...this.sinks.map((sink) => sink.close()), this.spans?.close()]);
  }
}
