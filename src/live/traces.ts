// `--otlp-traces`: one span per ended request (send to last package, a first_token event), pushed over OTLP/HTTP.
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { otlpSignalUrl } from './options.js';
import { liveResource, type RunIdentity } from './otlp.js';
import type { LiveLabels } from './names.js';
import { atMost, OTLP_CLOSE_LIMIT_MS, type RequestSample } from './sink.js';

export class SpanSink {
  private readonly provider: BasicTracerProvider;
  private readonly tracer;

  constructor(endpoint: string, identity: RunIdentity) {
    const exporter = new OTLPTraceExporter({ url: otlpSignalUrl(endpoint, 'traces'), timeoutMillis: OTLP_CLOSE_LIMIT_MS });
    // Batched: spans leave in the background, some 512 at a time, never one HTTP request per LLM request.
    this.provider = new BasicTracerProvider({ resource: liveResource(identity), spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 20_000, maxExportBatchSize: 512 })] });
    this.tracer = this.provider.getTracer('llmperf', identity.version);
  }

  /** The span is made after the fact from the request's recorded times (epoch ms), so nothing runs per chunk. */
  request(labels: LiveLabels, sample: RequestSample): void {
    const start = sample.sendEpochMs;
    const span = this.tracer.startSpan('llm.request', {
      startTime: start,
      attributes: {
        'llmperf.run_id': labels.run_id,
        'llmperf.stage': labels.stage,
        'llmperf.request_index': sample.index,
        'llmperf.outcome': sample.outcome,
        'gen_ai.request.model': labels.model,
        'gen_ai.usage.input_tokens': sample.inputTokens,
        'gen_ai.usage.output_tokens': sample.outputTokens,
        'http.response.status_code': sample.status,
      },
    });
    if (sample.outcome === 'success') span.addEvent('first_token', { 'llmperf.ttft_ms': sample.ttftMs }, start + sample.ttftMs);
    if (sample.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: sample.errorKind ?? 'error' });
    span.end(start + sample.latencyMs);
  }

  async close(): Promise<void> {
    await atMost(this.provider.shutdown(), OTLP_CLOSE_LIMIT_MS);
  }
}
