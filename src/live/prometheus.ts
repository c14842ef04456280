// `--metrics-port`: the live metrics in a prom-client registry, served as Prometheus text exposition over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { UsageError } from '../errors.js';
import { ItlMetric, type ItlSource } from './itl-histogram.js';
import { BUCKETS_S, COUNTERS, GAUGES, HISTOGRAMS, LABELS, type LiveLabels } from './names.js';
import type { LiveSink, RequestSample } from './sink.js';

export class PrometheusSink implements LiveSink {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly sent: Counter;
  private readonly promptTokens: Counter;
  private readonly generationTokens: Counter;
  private readonly inFlight: Gauge;
  private readonly histograms: Record<'ttft' | 'tpot' | 'e2e' | 'queue', Histogram>;
  private readonly itl: ItlMetric;
  private server: Server | null = null;
  /** Scrapes served so far; the linger after a run waits for one more. */
  scrapes = 0;
  private scrapeWaiters: Array<() => void> = [];

  constructor() {
    const registers = [this.registry];
    const labelNames = [...LABELS];
    this.requests = new Counter({ ...COUNTERS.requests, labelNames: [...labelNames, 'outcome', 'error_kind'], registers });
    this.sent = new Counter({ ...COUNTERS.sent, labelNames, registers });
    this.promptTokens = new Counter({ ...COUNTERS.promptTokens, labelNames, registers });
    this.generationTokens = new Counter({ ...COUNTERS.generationTokens, labelNames, registers });
    this.inFlight = new Gauge({ ...GAUGES.inFlight, labelNames, registers });
    const histogram = (key: keyof typeof BUCKETS_S & keyof typeof HISTOGRAMS) =>
      new Histogram({ ...HISTOGRAMS[key], buckets: [...BUCKETS_S[key]], labelNames, registers });
    this.histograms = { ttft: histogram('ttft'), tpot: new Histogram({ ...HISTOGRAMS.tpot, buckets: [...BUCKETS_S.itl], labelNames, registers }), e2e: histogram('e2e'), queue: histogram('queue') };
    this.itl = new ItlMetric(HISTOGRAMS.itl.name, HISTOGRAMS.itl.help, BUCKETS_S.itl);
    this.registry.registerMetric(this.itl as never);
  }

  /** Starts serving GET /metrics (and / for a pointer); a port in use is a usage error naming the flag. */
  async listen(port: number, host: string): Promise<string> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || !/^\/metrics\/?(\?.*)?$/.test(request.url ?? '')) {
        response.writeHead(request.url === '/' ? 200 : 404, { 'content-type': 'text/plain' }).end('llmperf live metrics: GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': this.registry.contentType }).end(text);
          this.scrapes++;
          for (const wake of this.scrapeWaiters.splice(0)) wake();
        },
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new UsageError(`--metrics-port ${port}: cannot listen on ${host}:${port} (${error.code ?? error.message}); choose a free port`)),
      );
      server.listen(port, host, () => resolve());
    });
    server.unref();
    this.server = server;
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}/metrics`;
  }

  get port(): number | null {
    return this.server === null ? null : (this.server.address() as AddressInfo).port;
  }

  attachItl(labels: LiveLabels, source: ItlSource): void {
    this.itl.attach(labels, source);
  }

  detachItl(labels: LiveLabels): void {
    this.itl.detach(labels);
  }

  request(labels: LiveLabels, sample: RequestSample): void {
    this.requests.inc({ ...labels, outcome: sample.outcome, error_kind: sample.errorKind ?? '' });
    if (sample.outcome !== 'success') return;
    this.promptTokens.inc(labels, sample.inputTokens);
    this.generationTokens.inc(labels, sample.outputTokens);
    const h = this.histograms;
    h.ttft.observe(labels, sample.ttftMs / 1000);
    h.e2e.observe(labels, sample.latencyMs / 1000);
    if (sample.tpotMs !== null) h.tpot.observe(labels, sample.tpotMs / 1000);
    if (sample.queueMs !== null) h.queue.observe(labels, sample.queueMs / 1000);
  }

  progress(labels: LiveLabels, sentDelta: number, inFlight: number): void {
    if (sentDelta > 0) this.sent.inc(labels, sentDelta);
    else if (sentDelta === 0) this.sent.inc(labels, 0); // the series exists from the start, at 0
    this.inFlight.set(labels, inFlight);
  }

  /** Resolves at the next scrape, or after `maxMs`. */
  nextScrape(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.scrapeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
