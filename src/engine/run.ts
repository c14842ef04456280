// Runs one load test: prompts and schedule in, plain totals, histograms and per-request records out.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Agent } from 'undici';
import type { Histogram } from '../metrics/histogram.js';
import type { DistributionKey, EncodedHistogram, RequestRecord, TimeseriesPoint } from '../metrics/schema.js';
import type { RunTotals } from '../metrics/summary.js';
import { poissonSchedule } from '../workload/arrivals.js';
import type { Prompt } from '../workload/prompts.js';
import { seededRandom } from '../workload/random.js';
import { cancelledError, createDispatcher, sendRequest, type InFlight, type PreparedRequest } from './client.js';
import { Recorder } from './recorder.js';
import { DEFAULT_RETRY_POLICY, retryCount, sendWithRetries, type RetryingInFlight, type RetryPolicy } from './retry.js';
import { ClosedLoop, OpenLoop, type Scheduler } from './scheduler.js';
import { RequestState } from './stream.js';
import { apiPath, requestHeaders, type ApiKind, type Target } from './target.js';

/** A validated load-test configuration (the CLI builds it; nothing here re-validates). */
export interface LoadConfig {
  target: Target;
  api: ApiKind;
  stream: boolean;
  /** Closed loop: requests in flight. Open loop: the cap on requests in flight. */
  concurrency: number;
  /** How many requests to send (null: until the duration ends). */
  requests: number | null;
  durationMs: number | null;
  /** Open-loop arrival rate (Poisson); null for a closed loop. */
  ratePerS: number | null;
  prompts: Prompt[];
  /** max_tokens for every request (null: the server's default). */
  outputTokens: number | null;
  extraBody: Record<string, unknown>;
  timeoutMs: number;
  idleTimeoutMs: number;
  seed: number;
  warmupRequests: number;
  rejectUnauthorized: boolean;
  /** Keep the response text of every request (eval needs it; a load run does not). */
  keepText?: boolean;
  /** Exact request bodies, request i sending bodies[i] (jobs); when set, prompts are not used. */
  bodies?: string[];
  /** Extra attempts for transient failures (429, 503, reset before any byte); 0 or absent: none (a load test reports failures). */
  retries?: number;
}

export interface RunHooks {
  /** Called once per finished request, after it is recorded (per-request log, eval). */
  onRecord?: (record: RequestRecord, state: RequestState) => void;
}

export interface RunOutcome {
  totals: RunTotals;
  histograms: Partial<Record<DistributionKey, EncodedHistogram>>;
  timeseries: TimeseriesPoint[];
  interrupted: boolean;
  scheduleLagUs: Histogram | null;
  /** The loop-delay monitor's own numbers, in ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** Builds the request body string for a prompt once; requests that reuse the prompt reuse the string. */
export function buildBody(config: Pick<LoadConfig, 'api' | 'stream' | 'outputTokens' | 'extraBody' | 'target'>, prompt: Prompt): string {
  const body: Record<string, unknown> =
    config.api === 'chat' ? { model: config.target.model, messages: prompt.messages } : { model: config.target.model, prompt: prompt.text };
  if (config.outputTokens !== null) body.max_tokens = config.outputTokens;
  if (config.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return JSON.stringify({ ...body, ...config.extraBody });
}

function flatHeaders(headers: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const [name, value] of Object.entries(headers)) flat.push(name, value);
  return flat;
}

/** Seeded shuffle so the same seed sends the same prompts in the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = items.slice();
  const random = seededRandom(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** A running load test. `stop()` ends sending; in-flight requests get `graceMs`, then are cancelled. */
export class LoadRun {
  readonly recorder: Recorder;
  private readonly dispatcher: Agent;
  private readonly scheduler: Scheduler;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly bodies: string[];
  private readonly origin: string;
  private readonly path: string;
  private readonly headers: string[];
  private readonly prompts: Prompt[];
  private interrupted = false;
  private stopping = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly retryPolicy: RetryPolicy | null;
  private retriedRequests = 0;
  private retryAttempts = 0;

  constructor(
    private readonly config: LoadConfig,
    private readonly hooks: RunHooks = {},
  ) {
    const expected = config.requests === null ? null : config.requests + config.warmupRequests;
    this.recorder = new Recorder(config.requests, config.concurrency, config.warmupRequests);
    this.dispatcher = createDispatcher({
      connections: config.concurrency,
      timeoutMs: config.timeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      rejectUnauthorized: config.rejectUnauthorized,
    });
    this.retryPolicy = config.retries ? { ...DEFAULT_RETRY_POLICY, retries: config.retries } : null;
    this.prompts = config.bodies ? config.prompts : shuffled(config.prompts, config.seed);
    this.bodies = config.bodies ?? new Array<string>(this.prompts.length);
    this.origin = new URL(config.target.baseUrl).origin;
    this.path = apiPath(config.target.baseUrl, config.api);
    this.headers = flatHeaders(requestHeaders(config.target));
    const launch = (index: number, intendedMs: number) => this.launch(index, intendedMs);
    const total = expected ?? Infinity;
    if (config.ratePerS !== null) {
      const offsets = poissonSchedule(config.ratePerS, total, config.durationMs ?? Infinity, config.seed);
      this.scheduler = new OpenLoop(offsets, config.concurrency, launch);
    } else {
      this.scheduler = new ClosedLoop(config.concurrency, total, config.durationMs, launch);
    }
  }

  /** Runs to the end (or to an interruption) and returns plain data; the dispatcher is closed after. */
  async run(): Promise<RunOutcome> {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    await new Promise<void>((resolve) => {
      let idle = false;
      this.scheduler.start(() => {
        if (idle) return;
        idle = true;
        resolve();
      });
    });
    loopDelay.disable();
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    await this.dispatcher.destroy().catch(() => {});
    const snapshot = this.recorder.snapshot();
    snapshot.totals.retried = this.retriedRequests;
    snapshot.totals.retry_attempts = this.retryAttempts;
    const nsToMs = (ns: number) => Math.round(ns / 1000) / 1000;
    return {
      ...snapshot,
      interrupted: this.interrupted,
      scheduleLagUs: this.scheduler.scheduleLagUs,
      eventLoopDelayMs: {
        p50: nsToMs(loopDelay.percentile(50)),
        p99: nsToMs(loopDelay.percentile(99)),
        max: nsToMs(loopDelay.max),
      },
    };
  }

  /** Stops sending; in-flight requests may finish within `graceMs`, then are cancelled. */
  stop(graceMs: number, interrupted = true): void {
    this.interrupted ||= interrupted;
    this.stopping = true;
    this.scheduler.stop();
    // A request waiting to be retried is a request not yet sent again: stopping ends it with the failure it has.
    if (this.retryPolicy !== null) {
      for (const request of [...this.inFlight.values()]) (request as Partial<RetryingInFlight>).endBackoff?.();
    }
    if (this.graceTimer !== null) return;
    this.graceTimer = setTimeout(() => this.cancelAll(), graceMs);
  }

  /** Cancels every request in flight at once (a second interrupt). */
  cancelAll(): void {
    this.stopping = true;
    this.scheduler.stop();
    for (const request of [...this.inFlight.values()]) request.abort(cancelledError());
  }

  get inFlightCount(): number {
    return this.scheduler.inFlight;
  }

  private launch(index: number, intendedMs: number): void {
    const promptIndex = this.config.bodies ? index : index % this.prompts.length;
    const prompt = this.prompts[promptIndex % this.prompts.length];
    const body = (this.bodies[promptIndex] ??= buildBody(this.config, prompt));
    const state = new RequestState(index);
    state.intendedMs = intendedMs;
    state.inputTokensEstimate = prompt.inputTokensEstimate;
    if (this.config.keepText) {
      state.contentPieces = [];
      state.reasoningPieces = [];
    }
    const request: PreparedRequest = { origin: this.origin, path: this.path, headers: this.headers, body, stream: this.config.stream };
    state.sendMs = performance.now();
    this.recorder.recordSend(state);
    let finished = false;
    const onEnd = (ended: RequestState) => {
      finished = true;
      this.ended(ended);
    };
    const handle =
      this.retryPolicy === null
        ? sendRequest(this.dispatcher, request, state, this.recorder, this.config.timeoutMs, onEnd)
        : sendWithRetries(this.dispatcher, request, state, this.recorder, this.config.timeoutMs, this.retryPolicy, () => !this.stopping, onEnd);
    if (!finished) this.inFlight.set(index, handle);
  }

  private ended(state: RequestState): void {
    this.inFlight.delete(state.index);
    const record = this.recorder.recordEnd(state);
    const retries = retryCount(state);
    record.retries = retries;
    if (retries > 0) {
      this.retriedRequests++;
      this.retryAttempts += retries;
    }
    this.hooks.onRecord?.(record, state);
    // Next send outside undici's callback stack, so no dispatch re-enters the handler that just finished.
    queueMicrotask(() => this.scheduler.requestEnded());
  }
}

/** Convenience: run a configuration to its end. */
export async function runLoad(config: LoadConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  return new LoadRun(config, hooks).run();
}

