// `--otlp-endpoint`: the same live metrics pushed over OTLP/HTTP (JSON) with the official OpenTelemetry JS SDK.
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Counter, Histogram, UpDownCounter } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { otlpSignalUrl } from './options.js';
import { BUCKETS_S, COUNTERS, GAUGES, HISTOGRAMS, type LiveLabels } from './names.js';
import { atMost, OTLP_CLOSE_LIMIT_MS, type LiveSink, type RequestSample } from './sink.js';

/** Identifies the run beside the server's own telemetry. */
export interface RunIdentity {
  runId: string;
  /** Unknown when a sweep opens the session before its first stage discovers the model. */
  model?: string;
  /** The target's origin and path, never its credentials. */
  target: string;
  version: string;
}

export function liveResource(identity: RunIdentity): Resource {
  return resourceFromAttributes({
    'service.name': 'llmperf',
    'service.version': identity.version,
    'llmperf.run_id': identity.runId,
    ...(identity.model ? { 'llmperf.model': identity.model } : {}),
    'llmperf.target': identity.target,
  });
}

/**
 * OTel instrument names: the Prometheus names without the unit and `_total` suffixes, which an OTel
 * collector's Prometheus exporter adds back, so one dashboard reads either path.
 */
const otelName = (name: string) => name.replace(/_seconds$/, '').replace(/_total$/, '');

export class OtlpSink implements LiveSink {
  private readonly provider: MeterProvider;
  private readonly requests: Counter;
  private readonly sent: Counter;
  private readonly promptTokens: Counter;
  private readonly generationTokens: Counter;
  private readonly inFlight: UpDownCounter;
  private readonly inFlightNow = new Map<string, number>();
  private readonly histograms: Record<'ttft' | 'tpot' | 'e2e' | 'queue', Histogram>;

  constructor(endpoint: string, identity: RunIdentity, intervalMs: number) {
    const exporter = new OTLPMetricExporter({ url: otlpSignalUrl(endpoint, 'metrics'), timeoutMillis: OTLP_CLOSE_LIMIT_MS });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(intervalMs, 10_000) });
    this.provider = new MeterProvider({ resource: liveResource(identity), readers: [reader] });
    const meter = this.provider.getMeter('llmperf', identity.version);
    const counter = (spec: { name: string; help: string }, unit = '{request}') => meter.createCounter(otelName(spec.name), { description: spec.help, unit });
    this.requests = counter(COUNTERS.requests);
    this.sent = counter(COUNTERS.sent);
    this.promptTokens = counter(COUNTERS.promptTokens, '{token}');
    this.generationTokens = counter(COUNTERS.generationTokens, '{token}');
    this.inFlight = meter.createUpDownCounter(GAUGES.inFlight.name, { description: GAUGES.inFlight.help, unit: '{request}' });
    const histogram = (spec: { name: string; help: string }, bounds: readonly number[]) =>
      meter.createHistogram(otelName(spec.name), { description: spec.help, unit: 's', advice: { explicitBucketBoundaries: [...bounds] } });
    this.histograms = {
      ttft: histogram(HISTOGRAMS.ttft, BUCKETS_S.ttft),
      tpot: histogram(HISTOGRAMS.tpot, BUCKETS_S.itl),
      e2e: histogram(HISTOGRAMS.e2e, BUCKETS_S.e2e),
      queue: histogram(HISTOGRAMS.queue, BUCKETS_S.queue),
    };
  }

  request(labels: LiveLabels, sample: RequestSample): void {
    this.requests.add(1, { ...labels, outcome: sample.outcome, error_kind: sample.errorKind ?? '' });
    if (sample.outcome !== 'success') return;
    this.promptTokens.add(sample.inputTokens, labels);
    this.generationTokens.add(sample.outputTokens, labels);
    const h = this.histograms;
    h.ttft.record(sample.ttftMs / 1000, labels);
    h.e2e.record(sample.latencyMs / 1000, labels);
    if (sample.tpotMs !== null) h.tpot.record(sample.tpotMs / 1000, labels);
    if (sample.queueMs !== null) h.queue.record(sample.queueMs / 1000, labels);
  }

  progress(labels: LiveLabels, sentDelta: number, inFlight: number): void {
    this.sent.add(Math.max(0, sentDelta), labels);
    // An up-down counter moved by the change, so the exported value is the current in-flight count.
    const key = JSON.stringify(labels);
    this.inFlight.add(inFlight - (this.inFlightNow.get(key) ?? 0), labels);
    this.inFlightNow.set(key, inFlight);
  }

  /** Pushes the final values (shutdown flushes), then stops; an unreachable collector delays the end by OTLP_CLOSE_LIMIT_MS at most. */
  async close(): Promise<void> {
    await atMost(this.provider.shutdown(), OTLP_CLOSE_LIMIT_MS);
  }
}
