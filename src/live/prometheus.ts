// `--metrics-port`: the live metrics in a prom-client registry, served as Prometheus text exposition over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { UsageError } from '../errors.js';
import { ItlMetric, type ItlSource } from './itl-histogram.js';
import { BUCKETS_S, COUNTERS, GAUGES, HISTOGRAMS, LABELS, type LiveLabels } from './names.js';
import { PlainCounter, PlainHistogram, type CounterSlot, type HistogramSlot } from './plain-metrics.js';
import type { LiveSink, RequestSample } from './sink.js';

interface LabelChildren {
  /** By outcome and error kind. */
  requests: Map<string, CounterSlot>;
  promptTokens: CounterSlot;
  generationTokens: CounterSlot;
  ttft: HistogramSlot;
  e2e: HistogramSlot;
  tpot: HistogramSlot;
  queue: HistogramSlot;
}

export class PrometheusSink implements LiveSink {
  readonly registry = new Registry();
  // Per finished request: plain numbers read at scrape time (plain-metrics.ts says why not prom-client's own).
  private readonly requests: PlainCounter;
  private readonly promptTokens: PlainCounter;
  private readonly generationTokens: PlainCounter;
  private readonly histograms: Record<'ttft' | 'tpot' | 'e2e' | 'queue', PlainHistogram>;
  // Once a second (progress): prom-client's own.
  private readonly sent: Counter;
  private readonly inFlight: Gauge;
  private readonly itl: ItlMetric;
  private server: Server | null = null;
  /** Scrapes served so far; the linger after a run waits for one more. */
  scrapes = 0;
  private scrapeWaiters: Array<() => void> = [];
  /** Per label-set object (a run's labels are one object for the whole run): its resolved metric children. */
  private readonly children = new WeakMap<LiveLabels, LabelChildren>();

  constructor() {
    const registers = [this.registry];
    const labelNames = [...LABELS];
    this.requests = new PlainCounter(COUNTERS.requests.name, COUNTERS.requests.help);
    this.sent = new Counter({ ...COUNTERS.sent, labelNames, registers });
    this.promptTokens = new PlainCounter(COUNTERS.promptTokens.name, COUNTERS.promptTokens.help);
    this.generationTokens = new PlainCounter(COUNTERS.generationTokens.name, COUNTERS.generationTokens.help);
    this.inFlight = new Gauge({ ...GAUGES.inFlight, labelNames, registers });
    const histogram = (key: keyof typeof HISTOGRAMS, bounds: readonly number[]) => new PlainHistogram(HISTOGRAMS[key].name, HISTOGRAMS[key].help, bounds);
    this.histograms = { ttft: histogram('ttft', BUCKETS_S.ttft), tpot: histogram('tpot', BUCKETS_S.itl), e2e: histogram('e2e', BUCKETS_S.e2e), queue: histogram('queue', BUCKETS_S.queue) };
    this.itl = new ItlMetric(HISTOGRAMS.itl.name, HISTOGRAMS.itl.help, BUCKETS_S.itl);
    for (const metric of [this.requests, this.promptTokens, this.generationTokens, this.histograms.ttft, this.itl, this.histograms.tpot, this.histograms.e2e, this.histograms.queue]) {
      this.registry.registerMetric(metric as never);
    }
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

  /** Once per finished request: a few additions into the run's own slots, no label hashing. */
  request(labels: LiveLabels, sample: RequestSample): void {
    const children = this.childrenOf(labels);
    const key = sample.errorKind === null ? sample.outcome : `${sample.outcome}\u0000${sample.errorKind}`;
    let outcome = children.requests.get(key);
    if (outcome === undefined) {
      const full = { ...labels, outcome: sample.outcome, error_kind: sample.errorKind ?? '' };
      outcome = this.requests.slot(JSON.stringify(full), () => full);
      children.requests.set(key, outcome);
    }
    outcome.value++;
    if (sample.outcome !== 'success') return;
    children.promptTokens.value += sample.inputTokens;
    children.generationTokens.value += sample.outputTokens;
    const h = this.histograms;
    h.ttft.observe(children.ttft, sample.ttftMs / 1000);
    h.e2e.observe(children.e2e, sample.latencyMs / 1000);
    if (sample.tpotMs !== null) h.tpot.observe(children.tpot, sample.tpotMs / 1000);
    if (sample.queueMs !== null) h.queue.observe(children.queue, sample.queueMs / 1000);
  }

  /** The metrics' slots for one label set (one per run or sweep stage), made on first use. */
  private childrenOf(labels: LiveLabels): LabelChildren {
    let children = this.children.get(labels);
    if (children === undefined) {
      const h = this.histograms;
      const key = JSON.stringify(labels);
      children = {
        requests: new Map(),
        promptTokens: this.promptTokens.slot(key, () => ({ ...labels })),
        generationTokens: this.generationTokens.slot(key, () => ({ ...labels })),
        ttft: h.ttft.slot(labels),
        e2e: h.e2e.slot(labels),
        tpot: h.tpot.slot(labels),
        queue: h.queue.slot(labels),
      };
      this.children.set(labels, children);
    }
    return children;
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
