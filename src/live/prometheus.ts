// `--metrics-port`: the live metrics in a prom-client registry, served as Prometheus text exposition over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { UsageError } from '../errors.js';
import { ItlMetric, type ItlSource } from './itl-histogram.js';
import { BUCKETS_S, COUNTERS, GAUGES, HISTOGRAMS, LABELS, type LiveLabels } from './names.js';
import type { LiveSink, RequestSample } from './sink.js';

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;
interface LabelChildren {
  /** By outcome and error kind. */
  requests: Map<string, CounterChild>;
  promptTokens: CounterChild;
  generationTokens: CounterChild;
  ttft: HistogramChild;
  e2e: HistogramChild;
  tpot: HistogramChild;
  queue: HistogramChild;
}

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
  /** Per label-set object (a run's labels are one object for the whole run): its resolved metric children. */
  private readonly children = new WeakMap<LiveLabels, LabelChildren>();

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

  /**
   * Once per finished request. prom-client hashes a label set on every call (sorting and joining its keys): the
   * per-run children are resolved once per label set and kept, so a request costs a few bucket increments
   * (bench/run.js --only live: the hashing was most of the live endpoint's cost at short responses).
   */
  request(labels: LiveLabels, sample: RequestSample): void {
    const children = this.childrenOf(labels);
    const key = sample.errorKind === null ? sample.outcome : `${sample.outcome}\u0000${sample.errorKind}`;
    let outcome = children.requests.get(key);
    if (outcome === undefined) {
      outcome = this.requests.labels({ ...labels, outcome: sample.outcome, error_kind: sample.errorKind ?? '' });
      children.requests.set(key, outcome);
    }
    outcome.inc();
    if (sample.outcome !== 'success') return;
    children.promptTokens.inc(sample.inputTokens);
    children.generationTokens.inc(sample.outputTokens);
    children.ttft.observe(sample.ttftMs / 1000);
    children.e2e.observe(sample.latencyMs / 1000);
    if (sample.tpotMs !== null) children.tpot.observe(sample.tpotMs / 1000);
    if (sample.queueMs !== null) children.queue.observe(sample.queueMs / 1000);
  }

  /** The metrics' children for one label set (one per run or sweep stage), made on first use. */
  private childrenOf(labels: LiveLabels): LabelChildren {
    let children = this.children.get(labels);
    if (children === undefined) {
      const h = this.histograms;
      children = {
        requests: new Map(),
        promptTokens: this.promptTokens.labels(labels),
        generationTokens: this.generationTokens.labels(labels),
        ttft: h.ttft.labels(labels),
        e2e: h.e2e.labels(labels),
        tpot: h.tpot.labels(labels),
        queue: h.queue.labels(labels),
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
