// Runs one load test: prompts and schedule in, plain totals, histograms and per-request records out.
import { performance } from 'node:perf_hooks';
import type { StreamPool } from './pool.js';
import type { Histogram } from '../metrics/histogram.js';
import type { DistributionKey, EncodedHistogram, RequestRecord, TimeseriesPoint } from '../metrics/schema.js';
import type { RunTotals } from '../metrics/summary.js';
import { arrivalStream, type ArrivalKind } from '../workload/arrivals.js';
import { Conversation } from '../workload/conversation.js';
import type { Prompt } from '../workload/prompts.js';
import { WorkloadStats } from '../workload/summary.js';
import type { ThinkTimeSpec } from '../workload/think-time.js';
import { ThinkingUsers } from './think.js';
import type { ArrivalCounts } from './arrival-series.js';
import { cancelledError, createDispatcher, sendRequest, type InFlight, type PreparedRequest } from './client.js';
import { connectOptions } from './dispatcher.js';
import { preopenCount, WarmConnector, type ConnectionStats } from './connections.js';
import { warmResponsePath } from './warm-up.js';
import { startClientLoadMonitor } from './client-load.js';
import { Recorder } from './recorder.js';
import { Redactor, redactUrl, secretsOf } from '../util/redact.js';
import { DEFAULT_RETRY_POLICY, retryCount, sendWithRetries, type RetryingInFlight, type RetryPolicy } from './retry.js';
import { ClosedLoop, OpenLoop, type Scheduler } from './scheduler.js';
import { globalIndex, shareCount, shareOfStream, type Share } from './workers/share.js';
import { RequestState } from './stream.js';
import { checkUsageBounds } from './usage.js';
import { cancelledByDesignError, chosenForCancel, type CancelPlan } from './cancel.js';
import { buildBody, flatHeaders, shuffled } from './request-body.js';
import { bodyWithImages, countImages, type ImageBody } from './image-body.js';
import { apiPath, requestHeaders, type ApiKind, type Target } from './target.js';
import { streamApiFor, type StreamApi } from './apis/index.js';
import { PackageTokenCounter, PackageTrace } from './package-tokens.js';
import { loadTokenizer } from '../workload/tokenizer.js';
import { checkOutput, OutputChecks } from './checks/index.js';
import type { ToolSpec } from '../workload/tools.js';
import type { ResponseFormatSpec } from '../workload/response-format.js';
import { Balancer, type BalancePolicy, type ReplicaRoute } from './balance.js';
import { SplitRecorder, type SplitOutcome } from './split.js';
import { modelPicker, type ModelShare } from '../workload/model-mix.js';
import type { PackageGapSink } from './request-state.js';

export { buildBody };

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
  /** Open-loop arrival rate; null for a closed loop. */
  ratePerS: number | null;
  /** Open-loop arrival process (default poisson) and the gamma shape (default 1). */
  arrival?: ArrivalKind;
  burstiness?: number;
  /** The rate (open loop) or the concurrency (closed loop) grows linearly over this long. */
  rampUpMs?: number;
  /** Also send `ignore_eos: true` and `min_tokens` = max_tokens, so every response is exactly max_tokens long. */
  ignoreEos?: boolean;
  /** Chat and completions streams: ask for usage in every chunk (vLLM continuous_usage_stats), for tokens per package. */
  continuousUsage?: boolean;
  /**
   * --tokenizer on a stream without --continuous-usage: the tokenizer (a tokenizer.json path or model id) whose count
   * of each package's text gives tokens per package and ITL per token, computed when each request ends.
   */
  packageTokenizer?: string;
  /** The client's token counter, for multi-turn histories (default: the 4-characters rule). */
  countTokens?: (text: string) => number;
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
  /** Response bytes beyond which a request fails as response_too_large (eval and arena bound what they keep); absent: no cap. */
  maxResponseBytes?: number;
  /** Exact request bodies, request i sending bodies[i] (jobs); when set, prompts are not used. */
  bodies?: string[];
  /** This run is one worker thread's share of a larger one (--workers): it sends only these request indexes. */
  share?: Share;
  /** Extra attempts for transient failures (429, 503, reset before any byte); 0 or absent: none (a load test reports failures). */
  retries?: number;
  /** Open the first wave's connections before the first timed send (default true; --no-preconnect: false). */
  preconnect?: boolean;
  /** Deliberate cancellation (--cancel-rate, --cancel-after): abort a seeded share of requests mid-stream. */
  cancel?: CancelPlan;
  /** Bound on one SSE line or event (--max-event-bytes); beyond it the request fails as event_too_large. Default 1 MiB. */
  maxEventBytes?: number;
  /** --tools: sent with every request (a prompt's own tools take their place); their calls' arguments are checked at the end. */
  tools?: ToolSpec[] | null;
  /** --tool-choice: auto, required, none or a tool's name (absent: the server's default). */
  toolChoice?: string | null;
  /** --response-format: the JSON Schema every answer must follow (sent as response_format, checked at the end). */
  responseFormat?: ResponseFormatSpec | null;
  /**
   * --users: each closed-loop slot is a user running conversations one after another (send a turn, wait for
   * the reply, think, next turn; after the last turn, think, then a new conversation); `concurrency` is the users.
   */
  users?: boolean;
  /** --think-time: the pause between a reply's end and the next turn (and, with users, the next conversation). */
  thinkTime?: ThinkTimeSpec;
  /** --model a:0.7,b:0.3: each request's model drawn by weight, seeded per request index (absent or one: target.model). */
  models?: ModelShare[];
  /** --url repeated: every replica's base URL, target.baseUrl first (absent or one: target.baseUrl only). */
  replicas?: string[];
  /** How requests spread over the replicas (default round-robin). */
  balance?: BalancePolicy;
  /** Keep every turn of a multi-turn conversation on the replica its first turn went to. */
  sessionAffinity?: boolean;
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
  /** Share of the run the engine thread was busy (the busiest worker's with --workers). */
  eventLoopUtilization?: number;
  /** Engine threads the run used (absent: 1). */
  workers?: number;
  /** Connections opened before the run and during it, with their set-up times (a phase of its own, not in TTFT). */
  connections?: ConnectionStats;
  /** Cores the machine left idle on average during the run (null: unknown, or too short a run to tell). */
  freeCores?: number | null;
  /** Open loop: arrivals per time bucket, as scheduled and as sent (absent in a closed loop). */
  arrivals?: ArrivalCounts;
  /** Runs with several models or replicas: per (model, URL) cell counters and histograms (by_model, by_url). */
  split?: SplitOutcome;
}

/** A running load test. `stop()` ends sending; in-flight requests get `graceMs`, then are cancelled. */
export class LoadRun {
  readonly recorder: Recorder;
  private readonly dispatcher: StreamPool;
  private readonly connector: WarmConnector;
  private readonly scheduler: Scheduler;
  private readonly inFlight = new Map<number, InFlight>();
  /** Request bodies per model of the mix, per prompt: built once, on first use. */
  private readonly bodies: Array<Array<string | ImageBody>>;
  /** The configuration as each model of the mix sees it (its name as the target's model). */
  private readonly modelConfigs: LoadConfig[];
  private readonly modelNames: string[];
  private readonly pickModel: (index: number) => number;
  /** Replicas (--url repeated): where each goes, its name in results, and the balancer choosing between them. */
  private readonly routes: ReplicaRoute[];
  private readonly urlLabels: string[];
  private readonly balancer: Balancer;
  /** Several models or replicas: per-cell recording for by_model and by_url (null: one of each, nothing extra). */
  private readonly split: SplitRecorder | null;
  private readonly headers: string[];
  /** Responses / Messages event mapping; null for chat and completions (decoded inline). */
  private readonly streamApi: StreamApi | null;
  private readonly prompts: Prompt[];
  private interrupted = false;
  private stopping = false;
  private graceTimer: NodeJS.Timeout | null = null;
  /** The first error thrown by llmperf's own end-of-request work: the run stops and rethrows it. */
  private internalError: Error | null = null;
  private readonly retryPolicy: RetryPolicy | null;
  private retriedRequests = 0;
  private retryAttempts = 0;
  /** Error messages can echo what was sent (a 401 body quoting the key): redacted before anything records them. */
  private readonly redactor: Redactor;
  /** Per request in flight: what the workload summary needs at its end, and its conversation (multi-turn). */
  private readonly sent = new Map<number, { requestedOutput: number | null; turn: Conversation | null; model: number; replica: number }>();
  private readonly workload = new WorkloadStats();
  private readonly multiTurn: boolean;
  /** Multi-turn: requests are numbered in send order (a conversation sends several). */
  private nextRequestIndex = 0;
  private deadlineMs = Infinity;
  /** --cancel-rate: the pending abort of each chosen request still in flight. */
  private readonly cancelTimers = new Map<number, NodeJS.Timeout>();
  /** --tokenizer on a stream: counts each finished request's packages (null: off, and the per-chunk path skips it). */
  private readonly packageTokens: PackageTokenCounter | null;
  /** Tool-call and structured-output checks (null: the run sends neither). */
  private readonly checks: OutputChecks | null;
  /** --think-time: users thinking now, each holding its scheduler slot until its pause ends (null: no think time). */
  private readonly thinking: ThinkingUsers | null;
  /** Conversation runs (multi-turn, --users): conversations started and requests sent as their turns. */
  private conversations = 0;
  private conversationTurns = 0;
  private readonly conversationIds = new WeakMap<Conversation, number>();

  constructor(
    private readonly config: LoadConfig,
    private readonly hooks: RunHooks = {},
  ) {
    const expected = config.requests === null ? null : config.requests + config.warmupRequests;
    // Multi-turn: --requests counts conversations, whose turns are not known ahead: no expected request count.
    const conversations = !config.bodies && config.prompts.some((prompt) => prompt.turns !== undefined);
    this.recorder = new Recorder(conversations ? null : config.requests, config.concurrency, config.warmupRequests);
    const clientOptions = {
      connections: config.concurrency,
      timeoutMs: config.timeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      rejectUnauthorized: config.rejectUnauthorized,
    };
    this.connector = new WarmConnector(connectOptions(clientOptions));
    this.dispatcher = createDispatcher({ ...clientOptions, connector: this.connector.connect, isPreopened: this.connector.isPreopened });
    this.retryPolicy = config.retries ? { ...DEFAULT_RETRY_POLICY, retries: config.retries } : null;
    const replicas = !config.bodies && config.replicas && config.replicas.length > 1 ? config.replicas : [config.target.baseUrl];
    this.redactor = new Redactor(replicas.flatMap((baseUrl) => secretsOf({ ...config.target, baseUrl })));
    // Trace replay: prompts carry their recorded send offsets, in order; they are never shuffled.
    const trace = !config.bodies && config.prompts.length > 0 && config.prompts[0]!.arrivalMs !== undefined;
    this.prompts = config.bodies || trace ? config.prompts : shuffled(config.prompts, config.seed);
    const mix = !config.bodies && config.models && config.models.length > 1 ? config.models : [{ name: config.target.model, weight: 1 }];
    this.modelNames = mix.map((m) => m.name);
    this.modelConfigs = mix.map((m) => (m.name === config.target.model ? config : { ...config, target: { ...config.target, model: m.name } }));
    this.pickModel = modelPicker(mix, config.seed);
    this.bodies = config.bodies ? [config.bodies] : mix.map(() => new Array<string | ImageBody>(this.prompts.length));
    this.routes = replicas.map((baseUrl) => ({ origin: new URL(baseUrl).origin, path: apiPath(baseUrl, config.api) }));
    this.urlLabels = replicaLabels(replicas);
    this.balancer = new Balancer(replicas.length, config.balance ?? 'round-robin');
    this.split = mix.length > 1 || replicas.length > 1 ? new SplitRecorder(this.modelNames, this.urlLabels, this.recorder, config.concurrency, config.warmupRequests) : null;
    this.headers = flatHeaders(requestHeaders(config.target, config.api));
    this.streamApi = streamApiFor(config.api);
    this.packageTokens = packageTokenCounter(config);
    const share = config.share;
    const launch = share
      ? (index: number, intendedMs: number) => this.launch(globalIndex(share, index), intendedMs)
      : (index: number, intendedMs: number) => this.launch(index, intendedMs);
    const total = expected ?? Infinity;
    if (trace) {
      // The recorded schedule on the same open loop as --rate: lateness is schedule lag, a full cap is queue_ms.
      const prompts = this.prompts;
      const count = Math.min(total, prompts.length);
      let i = 0;
      const recorded = () => (i < count ? prompts[i++]!.arrivalMs! : Infinity);
      this.scheduler = new OpenLoop(share ? shareOfStream(recorded, share) : recorded, config.concurrency, launch);
    } else if (config.ratePerS !== null) {
      const arrivals = arrivalStream({
        kind: config.arrival ?? 'poisson',
        ratePerS: config.ratePerS,
        count: total,
        durationMs: config.durationMs ?? Infinity,
        seed: config.seed,
        burstiness: config.burstiness,
        rampUpMs: config.rampUpMs,
      });
      // A worker's share of the one schedule: together the workers send exactly the single-thread arrivals.
      const next = share ? shareOfStream(arrivals, share) : arrivals;
      this.scheduler = new OpenLoop(next, config.concurrency, launch);
    } else {
      const count = share ? shareCount(total, share) : total;
      this.scheduler = new ClosedLoop(config.concurrency, count, config.durationMs, launch, config.rampUpMs ?? 0);
    }
    this.multiTurn = !config.bodies && config.prompts.some((prompt) => prompt.turns !== undefined);
    const anyTools = Boolean(config.tools) || config.prompts.some((prompt) => prompt.tools !== undefined);
    this.checks = anyTools || config.responseFormat ? new OutputChecks(config.tools ?? null, config.toolChoice ?? null, config.responseFormat ?? null) : null;
    this.thinking = config.thinkTime ? new ThinkingUsers(config.thinkTime, config.seed, this.recorder) : null;
  }

  private prepared: Promise<void> | null = null;

  /**
   * Opens the first wave's connections and warms the response path, before anything is timed. `run()` does it when
   * nobody did; --start-at calls it before waiting for the shared instant, so that instant is the first send.
   */
  prepare(): Promise<void> {
    this.prepared ??= this.preconnect();
    return this.prepared;
  }

  /** What the run knows of its connections so far (pre-opened count, set-up times). */
  get connectionStats(): ConnectionStats {
    return this.connector.stats;
  }

  /** Runs to the end (or to an interruption) and returns plain data; the dispatcher is closed after. */
  async run(): Promise<RunOutcome> {
    await this.prepare();
    const clientLoad = startClientLoadMonitor();
    if (this.config.durationMs !== null) this.deadlineMs = performance.now() + this.config.durationMs;
    await new Promise<void>((resolve) => {
      let idle = false;
      this.scheduler.start(() => {
        if (idle) return;
        idle = true;
        resolve();
      });
    });
    const load = clientLoad.stop();
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    await this.dispatcher.destroy().catch(() => {});
    this.connector.close();
    if (this.internalError !== null) throw this.internalError;
    const snapshot = this.recorder.snapshot();
    snapshot.totals.workload = { ...this.workload.counters() };
    snapshot.totals.retried = this.retriedRequests;
    snapshot.totals.retry_attempts = this.retryAttempts;
    if (this.multiTurn || this.config.users) {
      snapshot.totals.conversations = this.conversations;
      snapshot.totals.conversation_turns = this.conversationTurns;
    }
    return {
      ...snapshot,
      ...(this.split !== null ? { split: this.split.snapshot() } : {}),
      interrupted: this.interrupted,
      scheduleLagUs: this.scheduler.scheduleLagUs,
      eventLoopDelayMs: load.eventLoopDelayMs,
      eventLoopUtilization: load.eventLoopUtilization,
      connections: this.connector.stats,
      freeCores: load.freeCores,
      ...(this.scheduler.arrivals !== null ? { arrivals: this.scheduler.arrivals.snapshot() } : {}),
    };
  }

  /**
   * Opens one connection per request of the first wave before anything is timed: no request is sent on them (only
   * --warmup sends requests), so the first wave's TTFT is not inflated by TCP/TLS set-up done while it is timed.
   * Bounded by the connect timeout; a server that refuses is left to the run's requests to report.
   */
  private async preconnect(): Promise<void> {
    const config = this.config;
    if (config.preconnect === false) return;
    // The response path's first use (undici's client and parser, SSE decoding, JSON.parse) compiles code and
    // allocates: done once per thread on a loopback replay, so the first wave does not pay it while timed.
    this.connector.stats.warmUpMs = await warmResponsePath();
    const share = config.share;
    const requests = config.requests === null ? null : config.requests + config.warmupRequests;
    // A worker thread opens its own share: its concurrency, requests and arrival rate are its share of the run's.
    const rate = config.ratePerS === null ? null : share ? config.ratePerS / share.step : config.ratePerS;
    const count = preopenCount(config.concurrency, requests === null ? null : share ? shareCount(requests, share) : requests, rate);
    // Several replicas: each gets its share of the first wave's connections (least-in-flight spreads the wave evenly too).
    const origins = this.routes.map((route) => route.origin);
    await Promise.all(origins.map((origin, i) => this.connector.preopen(origin, Math.floor(count / origins.length) + (i < count % origins.length ? 1 : 0), Math.min(config.timeoutMs, 10_000))));
  }

  /** Stops sending; in-flight requests may finish within `graceMs`, then are cancelled. */
  stop(graceMs: number, interrupted = true): void {
    this.interrupted ||= interrupted;
    this.stopping = true;
    this.scheduler.stop();
    this.thinking?.endAll(() => this.scheduler.requestEnded());
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
    this.thinking?.endAll(() => this.scheduler.requestEnded());
    for (const request of [...this.inFlight.values()]) request.abort(cancelledError());
  }

  get inFlightCount(): number {
    return this.scheduler.inFlight;
  }

  private launch(index: number, intendedMs: number): void {
    const promptIndex = this.config.bodies ? index : index % this.prompts.length;
    const prompt = this.prompts[promptIndex % this.prompts.length];
    // The model is drawn from the launch index, so a conversation keeps one model and a seed always draws the same.
    const model = this.pickModel(index);
    const body = (this.bodies[model]![promptIndex] ??= bodyWithImages(this.modelConfigs[model]!, prompt));
    const conversation = this.multiTurn ? new Conversation(prompt, this.config.countTokens) : null;
    if (this.multiTurn || this.config.users) this.conversations++;
    this.send(this.multiTurn ? this.turnIndex() : index, intendedMs, prompt, body, conversation, model, -1);
  }

  /** Multi-turn request indexes in send order; a worker's share keeps them disjoint from the other workers'. */
  private turnIndex(): number {
    const local = this.nextRequestIndex++;
    return this.config.share ? globalIndex(this.config.share, local) : local;
  }

  /** Sends one request: a scheduled one, or a conversation's next turn (intendedMs NaN: sent when the reply arrived). */
  private send(index: number, intendedMs: number, prompt: Prompt, body: string | ImageBody, conversation: Conversation | null, model: number, pinned: number): void {
    const replica = pinned >= 0 ? pinned : this.balancer.pick(index);
    const route = this.routes[replica]!;
    const state = new RequestState(index);
    state.model = this.modelNames[model]!;
    state.url = this.urlLabels[replica]!;
    state.intendedMs = intendedMs;
    state.inputTokensEstimate = prompt.inputTokensEstimate;
    if (prompt.group !== undefined) state.prefixGroup = prompt.group;
    if (conversation !== null) state.turn = conversation.turn;
    if (conversation !== null || this.config.users) {
      this.conversationTurns++;
      // A conversation is named by its first request's index (requests.csv's `conversation` column).
      state.conversation = conversation === null ? index : this.conversationIds.get(conversation) ?? this.conversationIds.set(conversation, index).get(conversation)!;
    }
    const requestedOutput = this.config.api === 'embeddings' ? null : (prompt.outputTokens ?? this.config.outputTokens);
    state.maxOutputTokens = requestedOutput;
    state.continuousUsage = this.config.continuousUsage === true;
    if (this.packageTokens !== null) state.packageTrace = new PackageTrace();
    this.sent.set(index, { requestedOutput, turn: conversation, model, replica });
    if (this.config.keepText || conversation !== null) {
      state.contentPieces = [];
      state.reasoningPieces = [];
    }
    this.checks?.prepare(state, prompt);
    if (prompt.images !== undefined) countImages(state, prompt);
    // An image body goes out as its shared pieces under its own Content-Length (image-body.ts).
    const headers = typeof body === 'string' ? this.headers : body.headersWith(this.headers);
    const request: PreparedRequest = { origin: route.origin, path: route.path, headers, body: typeof body === 'string' ? body : body.parts, stream: this.config.stream, maxEventBytes: this.config.maxEventBytes, maxBytes: this.config.maxResponseBytes, api: this.streamApi };
    state.sendMs = performance.now();
    this.recorder.recordSend(state);
    this.balancer.started(replica);
    let gaps: PackageGapSink = this.recorder;
    if (this.split !== null) {
      this.split.recordSend(model, replica, state);
      gaps = this.split.sinkFor(model, replica);
    }
    let finished = false;
    const onEnd = (ended: RequestState) => {
      finished = true;
      this.ended(ended);
    };
    const handle =
      this.retryPolicy === null
        ? sendRequest(this.dispatcher, request, state, gaps, this.config.timeoutMs, onEnd)
        : sendWithRetries(this.dispatcher, request, state, gaps, this.config.timeoutMs, this.retryPolicy, (waitMs) => !this.stopping && performance.now() + waitMs < this.deadlineMs, onEnd);
    if (!finished) {
      this.inFlight.set(index, handle);
      const cancel = this.config.cancel;
      if (cancel !== undefined && chosenForCancel(this.config.seed, index, cancel.rate)) {
        this.cancelTimers.set(index, setTimeout(() => handle.abort(cancelledByDesignError(cancel.afterMs)), cancel.afterMs));
      }
    }
  }

  private ended(state: RequestState): void {
    try {
      this.settle(state);
    } catch (error) {
      // A bug in llmperf's own end-of-request work (a check, a hook, a tokenizer) must end the run with that
      // error: thrown into undici's callback it was swallowed, the scheduler never heard of the end, and the run hung.
      this.internalError ??= error instanceof Error ? error : new Error(String(error));
      this.cancelAll();
      setImmediate(() => this.scheduler.requestEnded());
    }
  }

  /** A request's end: its record, the workload counters, and the next send (or the conversation's next turn). */
  private settle(state: RequestState): void {
    this.inFlight.delete(state.index);
    const cancelTimer = this.cancelTimers.get(state.index);
    if (cancelTimer !== undefined) {
      clearTimeout(cancelTimer);
      this.cancelTimers.delete(state.index);
    }
    if (state.errorMessage !== null && !this.redactor.empty) state.errorMessage = this.redactor.redact(state.errorMessage);
    checkUsageBounds(state);
    if (state.packageTrace !== null) {
      if (this.packageTokens !== null && !this.packageTokens.record(state.packageTrace, this.recorder)) this.recorder.skipPackageTokens();
      state.packageTrace = null;
    }
    // Tool-call arguments and structured outputs are parsed and validated here, once, never per chunk.
    if (state.outputCheck !== null) checkOutput(state);
    const record = this.recorder.recordEnd(state);
    const sent = this.sent.get(state.index);
    this.sent.delete(state.index);
    if (sent !== undefined) {
      this.balancer.ended(sent.replica);
      this.split?.recordEnd(sent.model, sent.replica, state);
    }
    const retries = retryCount(state);
    record.retries = retries;
    if (retries > 0) {
      this.retriedRequests++;
      this.retryAttempts += retries;
    }
    this.hooks.onRecord?.(record, state);
    const conversation = sent?.turn ?? null;
    if (record.ok && state.index >= this.config.warmupRequests) {
      this.workload.add({
        requestedOutputTokens: sent?.requestedOutput ?? null,
        actualOutputTokens: record.output_tokens,
        clientInputTokens: state.inputTokensEstimate,
        serverInputTokens: state.promptTokens >= 0 ? state.promptTokens : null,
      });
    }
    // Multi-turn: the next turn goes when the reply is in (after the think time), with the history; a failed turn ends the conversation.
    if (conversation !== null && record.ok && conversation.hasNextTurn && !this.stopping && performance.now() < this.deadlineMs) {
      const recordedMs = conversation.recordedThinkMs;
      const next = conversation.next((state.contentPieces ?? []).join(''));
      const model = sent!.model;
      // --session-affinity: the later turns go where the first went (a replica's prefix cache holds the history).
      const pinned = this.config.sessionAffinity ? sent!.replica : -1;
      this.afterThinking(state, recordedMs, () => this.send(this.turnIndex(), NaN, next, bodyWithImages(this.modelConfigs[model]!, next), conversation, model, pinned));
      return;
    }
    // --users: the user reads the last reply, thinks, then starts a new conversation in the same slot; a pause
    // that no send would follow (every conversation sent, or stopping) is not taken, so the run ends on time.
    const more = !this.stopping && !(this.scheduler instanceof ClosedLoop && this.scheduler.exhausted);
    if (this.config.users && more) {
      this.afterThinking(state, undefined, () => this.scheduler.requestEnded());
      return;
    }
    // Next send outside undici's callback stack, and after undici has marked the connection free: from a
    // microtask the pool still saw every connection busy and queued the request, which at 1,024 streams
    // delayed sends by ~20 ms p50 (bench/fidelity.js); from setImmediate it goes straight to the free socket.
    setImmediate(() => this.scheduler.requestEnded());
  }

  /**
   * Runs `next` once the think time after `ended`'s reply has passed (src/engine/think.ts); without --think-time,
   * on the next loop turn. A pause that would end past the deadline ends the user's conversation instead.
   */
  private afterThinking(ended: RequestState, recordedMs: number | undefined, next: () => void): void {
    // setImmediate: by then undici has freed the connection, so the turn is not queued in the pool.
    if (this.thinking === null) return void setImmediate(next);
    if (this.thinking.start(ended, recordedMs, this.deadlineMs, next)) return;
    // No send follows: a closed loop's user leaves (its slot is not refilled before the deadline); an open
    // loop's conversation frees its place for the arrivals waiting.
    const scheduler = this.scheduler;
    setImmediate(() => (scheduler instanceof ClosedLoop ? scheduler.retire() : scheduler.requestEnded()));
  }
}

/** Each replica's name in results: its URL, credentials redacted; two that redact alike are told apart by #2, #3. */
export function replicaLabels(baseUrls: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return baseUrls.map((url) => {
    const label = redactUrl(url);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label}#${n}`;
  });
}

/** Convenience: run a configuration to its end. */
export async function runLoad(config: LoadConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  return new LoadRun(config, hooks).run();
}

/** The tokens-per-package counter a streamed run with --tokenizer (and no --continuous-usage) uses, or null. */
function packageTokenCounter(config: LoadConfig): PackageTokenCounter | null {
  if (!config.stream || config.continuousUsage || config.packageTokenizer === undefined || config.api === 'embeddings') return null;
  const tokenEnds = loadTokenizer(config.packageTokenizer).tokenEnds;
  return tokenEnds ? new PackageTokenCounter(tokenEnds) : null;
}
