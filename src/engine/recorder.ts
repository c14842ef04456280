// Records finished requests into HDR histograms, counters and a per-second time series; nothing else.
import { performance } from 'node:perf_hooks';
import { encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import { createLiveHistogram } from './live-histogram.js';
import { emptyTotals, type RunTotals } from '../metrics/summary.js';
import type { DistributionKey, EncodedHistogram, RequestRecord, TimeseriesPoint } from '../metrics/schema.js';
import { DISTRIBUTION_KEYS } from '../metrics/schema.js';
import { estimateTokensFromChars } from '../workload/tokens.js';
import type { PackageGapSink, RequestState } from './request-state.js';
import { addCheckTotals } from './checks/totals.js';

/** Converts a performance.now() reading to epoch milliseconds (comparable across processes and shards). */
export const toEpochMs = (monotonicMs: number): number => performance.timeOrigin + monotonicMs;

export class Recorder implements PackageGapSink {
  private readonly histograms = new Map<DistributionKey, Histogram>();
  private readonly itl: Histogram;
  private readonly itlPerToken: Histogram;
  private readonly tokensPerPackage: Histogram;
  private readonly totals: RunTotals;
  /** Per-second buckets, indexed by whole seconds since the run's first send. */
  private readonly series = { started: [] as number[], finished: [] as number[], failed: [] as number[], outputTokens: [] as number[] };
  private runStartMs = NaN;
  /** Zero gaps (packages sharing a chunk) not yet added to the ITL histogram. */
  private sameChunkGaps = 0;
  private inFlight = 0;
  /** Output tokens so far, counted per package as it arrives and corrected by usage as each request ends (the progress line). */
  private streamedTokens = 0;
  /** Requests below this index are warm-up: sent and accounted, but kept out of the statistics. */
  constructor(
    expectedRequests: number | null,
    concurrency: number,
    private readonly warmupRequests = 0,
    /** How each distribution's histogram is made (a split's cells use compact ones for the per-request keys). */
    createFor: (key: DistributionKey) => Histogram = createLiveHistogram,
  ) {
    for (const key of DISTRIBUTION_KEYS) this.histograms.set(key, createFor(key));
    this.itl = this.histograms.get('itl_ms')!;
    this.itlPerToken = this.histograms.get('itl_per_token_ms')!;
    this.tokensPerPackage = this.histograms.get('tokens_per_package')!;
    this.totals = emptyTotals(expectedRequests, concurrency);
  }

  /**
   * Hot path: one pooled inter-package gap. Packages that arrived in the same chunk share its timestamp,
   * so their gap is 0 (recorded as 1 µs, the lowest value): those are only counted here and recorded
   * in one call when the histograms are read, which saves a histogram update per event on bursty streams.
   */
  recordItlUs(gapUs: number): void {
    if (gapUs < 1) this.sameChunkGaps++;
    else recordUs(this.itl, gapUs);
  }

  /** --continuous-usage hot path: a package's token count (kept x1000, so the summary reads it as a plain count) and its gap per token. */
  recordPackageTokens(tokens: number, gapUs: number): void {
    recordUs(this.tokensPerPackage, tokens * 1000);
    if (!Number.isNaN(gapUs)) recordUs(this.itlPerToken, Math.max(1, gapUs / tokens));
  }

  /** --tokenizer: a request's packages were not counted (once per request, at its end). */
  skipPackageTokens(): void {
    this.totals.package_tokens_skipped = (this.totals.package_tokens_skipped ?? 0) + 1;
  }

  /**
   * Hot path: one package arrived. Output over time is counted here, as it streams, so a steady server draws a
   * flat line; `recordEnd` then corrects each request to its usage (or removes it when it failed or was warm-up).
   */
  recordPackageAt(nowMs: number): void {
    this.streamedTokens++;
    const second = Math.floor((nowMs - this.runStartMs) / 1000);
    const buckets = this.series.outputTokens;
    if (second >= 0 && second < buckets.length) buckets[second]++;
    else bump(buckets, Math.max(0, second), 1);
  }

  recordSend(state: RequestState): void {
    if (Number.isNaN(this.runStartMs)) {
      this.runStartMs = state.sendMs;
      this.totals.first_send_epoch_ms = toEpochMs(state.sendMs);
    }
    this.totals.sent++;
    this.inFlight++;
    if (this.inFlight > this.totals.max_in_flight) this.totals.max_in_flight = this.inFlight;
    bump(this.series.started, this.secondOf(state.sendMs), 1);
  }

  /** --think-time: one pause applied between a reply's end and the next send (a user's, never a request's time). */
  recordThinkMs(pauseMs: number): void {
    recordUs(this.histograms.get('think_time_ms')!, Math.max(1, pauseMs * 1000));
  }

  /** Records a finished request and returns its per-request record. */
  recordEnd(state: RequestState): RequestRecord {
    const totals = this.totals;
    this.inFlight--;
    totals.last_end_epoch_ms = toEpochMs(state.endMs);
    // Little's law: the sum of every request's time in flight over the run's duration is the mean in flight.
    // Whole µs: integer sums are exact, so merged workers and shards add up the same in any grouping.
    if (!Number.isNaN(state.sendMs)) totals.in_flight_us = (totals.in_flight_us ?? 0) + Math.round((state.endMs - state.sendMs) * 1000);
    const second = this.secondOf(state.endMs);
    bump(this.series.finished, second, 1);
    if (state.reconnected) totals.reconnects++;

    const ok = state.errorKind === null;
    const estimated = state.completionTokens < 0;
    const outputTokens = estimated ? estimateTokensFromChars(state.contentChars + state.reasoningChars) : state.completionTokens;
    const inputTokens = state.promptTokens >= 0 ? state.promptTokens : state.inputTokensEstimate;
    const reasoningTokens =
      state.reasoningTokens >= 0 ? state.reasoningTokens : estimateTokensFromChars(state.reasoningChars);
    const ttftMs = Number.isNaN(state.firstPackageMs) ? null : state.firstPackageMs - state.sendMs;
    const latencyMs = Number.isNaN(state.lastPackageMs) ? null : state.lastPackageMs - state.sendMs;
    const queueMs = Number.isNaN(state.intendedMs) ? 0 : Math.max(0, state.sendMs - state.intendedMs);
    const warmup = state.index < this.warmupRequests;

    // Packages were counted as they came; what the request finally counts for replaces them, spread over its stream.
    const counted = ok && !warmup ? outputTokens : 0;
    if (counted !== state.packages) this.correctTokens(state, counted - state.packages, second);
    if (state.usageInvalid !== null && !warmup) {
      totals.usage_invalid = (totals.usage_invalid ?? 0) + 1;
      totals.usage_invalid_sample ??= state.usageInvalid.slice(0, 200);
    }

    if (state.inputImages > 0 && !warmup) {
      totals.image_requests = (totals.image_requests ?? 0) + 1;
      totals.input_images = (totals.input_images ?? 0) + state.inputImages;
      totals.input_image_bytes = (totals.input_image_bytes ?? 0) + state.inputImageBytes;
    }
    if (warmup) totals.warmup++;
    else if (state.errorKind === 'cancelled') totals.cancelled++;
    // Abandoned on purpose (--cancel-rate): neither a failure nor a latency sample; the server still did the work.
    else if (state.errorKind === 'cancelled_by_design') totals.cancelled_by_design = (totals.cancelled_by_design ?? 0) + 1;
    else if (!ok) {
      totals.failed++;
      const kind = state.errorKind as string;
      totals.errors[kind] = (totals.errors[kind] ?? 0) + 1;
      totals.error_samples[kind] ??= (state.errorMessage ?? kind).slice(0, 300);
      bump(this.series.failed, second, 1);
    } else {
      totals.succeeded++;
      totals.packages += state.packages;
      totals.input_tokens += inputTokens;
      totals.output_tokens += outputTokens;
      totals.reasoning_tokens += reasoningTokens;
      if (estimated || state.promptTokens < 0) totals.estimated_token_requests++;
      if (state.cachedTokens >= 0) {
        totals.cache_reported_requests = (totals.cache_reported_requests ?? 0) + 1;
        totals.cached_tokens = (totals.cached_tokens ?? 0) + state.cachedTokens;
        totals.cache_reported_input_tokens = (totals.cache_reported_input_tokens ?? 0) + inputTokens;
        if (state.cachedTokens > 0) totals.cache_hit_requests = (totals.cache_hit_requests ?? 0) + 1;
      }
      this.recordDistributions(state, ttftMs as number, latencyMs as number, queueMs, outputTokens);
      if (state.outputCheck !== null) addCheckTotals(totals, state);
    }
    return {
      index: state.index,
      start_ms: round3(state.sendMs - this.runStartMs),
      intended_ms: Number.isNaN(state.intendedMs) ? null : round3(state.intendedMs - this.runStartMs),
      queue_ms: round3(queueMs),
      ttft_ms: ttftMs === null ? null : round3(ttftMs),
      latency_ms: latencyMs === null ? null : round3(latencyMs),
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      reasoning_tokens: reasoningTokens,
      packages: state.packages,
      status: state.status,
      ok,
      error: state.errorKind,
      reconnected: state.reconnected,
      request_id: state.serverRequestId,
      usage_invalid: state.usageInvalid !== null,
      prefix_group: state.prefixGroup >= 0 ? state.prefixGroup : null,
      cached_tokens: state.cachedTokens >= 0 ? state.cachedTokens : null,
      tool_calls: state.toolCallCount >= 0 ? state.toolCallCount : null,
      tool_calls_invalid: state.toolCallCount >= 0 ? state.toolCallsInvalid : null,
      schema_valid: state.schemaValid,
      invalid_reason: state.outputInvalidReason,
      input_images: state.inputImages,
      input_image_bytes: state.inputImageBytes,
      conversation: state.conversation >= 0 ? state.conversation : null,
      turn: state.conversation >= 0 ? Math.max(0, state.turn) : null,
      http_connect_ms: Number.isNaN(state.connectMs) ? null : round3(state.connectMs),
      http_headers_ms: Number.isNaN(state.headersMs) ? null : round3(state.headersMs - state.sendMs),
      http_first_byte_ms: Number.isNaN(state.firstByteMs) ? null : round3(state.firstByteMs - state.sendMs),
      model: state.model,
      url: state.url,
    };
  }

  /**
   * Adds `delta` output tokens over the request's streaming span, in proportion to the time it spent in each
   * second (a request's packages arrive at a steady pace to a good approximation); once per request, never per chunk.
   */
  private correctTokens(state: RequestState, delta: number, endSecond: number): void {
    this.streamedTokens += delta;
    const buckets = this.series.outputTokens;
    const first = state.firstPackageMs;
    const last = state.lastPackageMs;
    if (Number.isNaN(first) || last - first < 1) {
      bump(buckets, Number.isNaN(first) ? endSecond : this.secondOf(last), delta);
      return;
    }
    const spanMs = last - first;
    const from = this.secondOf(first);
    const to = this.secondOf(last);
    for (let s = from; s <= to; s++) {
      const startMs = this.runStartMs + s * 1000;
      const overlapMs = Math.min(last, startMs + 1000) - Math.max(first, startMs);
      if (overlapMs > 0) bump(buckets, s, (delta * overlapMs) / spanMs);
    }
  }

  private recordDistributions(state: RequestState, ttftMs: number, latencyMs: number, queueMs: number, outputTokens: number): void {
    const h = this.histograms;
    recordUs(h.get('ttft_ms')!, ttftMs * 1000);
    if (state.turn >= 0) recordUs(h.get(state.turn === 0 ? 'ttft_first_turn_ms' : 'ttft_later_turns_ms')!, ttftMs * 1000);
    if (state.cachedTokens >= 0) recordUs(h.get(state.cachedTokens > 0 ? 'ttft_cache_hit_ms' : 'ttft_cache_miss_ms')!, ttftMs * 1000);
    recordUs(h.get('latency_ms')!, latencyMs * 1000);
    if (outputTokens > 1) recordUs(h.get('tpot_ms')!, ((latencyMs - ttftMs) / (outputTokens - 1)) * 1000);
    if (!Number.isNaN(state.intendedMs)) {
      recordUs(h.get('queue_ms')!, queueMs * 1000);
      recordUs(h.get('ttft_from_intended_ms')!, (ttftMs + queueMs) * 1000);
      recordUs(h.get('latency_from_intended_ms')!, (latencyMs + queueMs) * 1000);
    }
    if (!Number.isNaN(state.secondPackageMs)) {
      recordUs(h.get('ttst_ms')!, (state.secondPackageMs - state.sendMs) * 1000);
      recordUs(h.get('first_gap_ms')!, (state.secondPackageMs - state.firstPackageMs) * 1000);
    }
    if (!Number.isNaN(state.firstToolCallMs)) recordUs(h.get('ttft_tool_call_ms')!, (state.firstToolCallMs - state.sendMs) * 1000);
    // HTTP phases, per request (never per chunk): connect only when this request opened its connection.
    if (!Number.isNaN(state.connectMs)) recordUs(h.get('http_connect_ms')!, state.connectMs * 1000);
    if (!Number.isNaN(state.headersMs)) recordUs(h.get('http_headers_ms')!, (state.headersMs - state.sendMs) * 1000);
    if (!Number.isNaN(state.firstByteMs)) recordUs(h.get('http_first_byte_ms')!, (state.firstByteMs - state.sendMs) * 1000);
    if (!Number.isNaN(state.firstReasoningMs)) {
      recordUs(h.get('ttfrt_ms')!, (state.firstReasoningMs - state.sendMs) * 1000);
      if (!Number.isNaN(state.firstAnswerMs)) recordUs(h.get('ttfat_ms')!, (state.firstAnswerMs - state.sendMs) * 1000);
    }
  }

  private secondOf(ms: number): number {
    return Math.max(0, Math.floor((ms - this.runStartMs) / 1000));
  }

  /** The pooled ITL histogram as it fills, for a live exporter to read at scrape time (src/live); read-only. */
  liveItl(): { histogram: Histogram; readonly sameChunkGaps: number } {
    const recorder = this;
    return {
      histogram: this.itl,
      get sameChunkGaps() {
        return recorder.sameChunkGaps;
      },
    };
  }

  /** Output tokens counted so far (as packages arrive, usage-corrected per finished request). */
  get streamedOutputTokens(): number {
    return this.streamedTokens;
  }

  get currentInFlight(): number {
    return this.inFlight;
  }

  get counts(): Readonly<RunTotals> {
    return this.totals;
  }

  /** The run's plain-data outcome: totals, encoded histograms (non-empty only) and the time series. */
  snapshot(): { totals: RunTotals; histograms: Partial<Record<DistributionKey, EncodedHistogram>>; timeseries: TimeseriesPoint[] } {
    const histograms: Partial<Record<DistributionKey, EncodedHistogram>> = {};
    if (this.sameChunkGaps > 0) this.itl.recordValueWithCount(1, this.sameChunkGaps);
    this.sameChunkGaps = 0;
    for (const [key, histogram] of this.histograms) {
      if (histogram.totalCount > 0) histograms[key] = encodeHistogram(histogram);
    }
    const { started, finished, failed, outputTokens } = this.series;
    const seconds = Math.max(started.length, finished.length);
    const timeseries: TimeseriesPoint[] = [];
    let inFlight = 0;
    for (let t = 0; t < seconds; t++) {
      inFlight += (started[t] ?? 0) - (finished[t] ?? 0);
      timeseries.push({
        t_s: t,
        started: started[t] ?? 0,
        finished: finished[t] ?? 0,
        failed: failed[t] ?? 0,
        in_flight: inFlight,
        // Corrections are spread in fractions of a token; a bucket is a count.
        output_tokens: Math.max(0, Math.round(outputTokens[t] ?? 0)),
      });
    }
    return { totals: structuredClone(this.totals), histograms, timeseries };
  }
}

function bump(buckets: number[], index: number, by: number): void {
  while (buckets.length <= index) buckets.push(0);
  buckets[index] += by;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
