// What the simulator saw and how well it kept its own schedule: counters, bounded samples, lag percentiles.
import type { SpecTotals } from './speculative.js';
import { hash32 } from './tokens.js';
import type { ReceivedImage } from './images.js';

/** A snapshot of the simulator's counters. Plain data: it crosses worker boundaries by structured clone. */
export interface MockStats {
  /** Requests received on any completion route (including ones later failed or cancelled). */
  requests: number;
  /** Requests whose response has not ended yet. */
  inFlight: number;
  maxInFlight: number;
  /** Sequences holding a slot (prefilling or decoding). */
  active: number;
  maxActive: number;
  /** Requests waiting for a slot. */
  queued: number;
  maxQueued: number;
  /** Responses ended normally. */
  completed: number;
  /** Responses whose client went away before the end. */
  cancelled: number;
  /** Requests answered with an error status (bad body, injected HTTP errors). */
  rejected: number;
  /** Content (and reasoning) tokens written, over all responses. */
  tokensSent: number;
  /** Requests carrying `ignore_eos: true` / a `min_tokens` field. */
  ignoreEosRequests: number;
  minTokensRequests: number;
  /** Injected faults per kind. */
  faults: Record<string, number>;
  /** How late tokens were written versus their schedule (ms). Large values mean the simulator, not the client, lagged. */
  lagMs: { p50: number; p99: number; max: number; count: number };
  /** The last (up to) 1000 parsed request bodies, oldest first (over 64 KB: without messages/prompt/input, see `omitted`). */
  recentBodies: unknown[];
  /** Arrival time of each request (ms since the server started), the first 100,000. */
  arrivalTimesMs: number[];
  /** In-flight count right after each arrival (the arriving request included), parallel to arrivalTimesMs. */
  inFlightAtArrival: number[];
  /**
   * A 64-bit digest (16 hex digits) of each completion request's prompt text, in arrival order, the first 100,000:
   * lets a test check that no prompt was sent twice (what a prefix cache would serve faster).
   */
  promptDigests: string[];
  /** POSTs to /reset_prefix_cache or /flush_cache (vLLM's and SGLang's cache-reset routes). */
  cacheResets: number;
  /**
   * The truth for output checks: tool calls and json_schema answers sent in full, and how many of them were invalid
   * (broken on purpose, or cut by max_tokens). Responses cancelled or faulted before their end are not counted.
   */
  toolCalls: number;
  toolCallsInvalid: number;
  structuredAnswers: number;
  structuredInvalid: number;
  /** Images received in all, and the tokens they counted for (images.ts states the rule). */
  images: number;
  imageTokens: number;
  /** The images of the last (up to) 1000 requests that carried any, oldest first: size, format, bytes, digest. */
  recentImages: ReceivedImage[][];
  /** Speculative mode only: its drafts, acceptances and tokens per event since the start (never reset). */
  spec?: SpecTotals;
}

const MAX_BODIES = 1000;
const MAX_KEPT_BODY_BYTES = 64 * 1024;
const MAX_ARRIVALS = 100_000;
/** Lag histogram: 0.1 ms buckets up to 10 s; beyond goes into the last bucket (max is kept exactly). */
const LAG_BUCKET_MS = 0.1;
const LAG_BUCKETS = 100_000;

export class StatsCollector {
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  active = 0;
  maxActive = 0;
  queued = 0;
  maxQueued = 0;
  completed = 0;
  cancelled = 0;
  rejected = 0;
  tokensSent = 0;
  ignoreEosRequests = 0;
  minTokensRequests = 0;
  faults: Record<string, number> = {};
  cacheResets = 0;
  toolCalls = 0;
  toolCallsInvalid = 0;
  structuredAnswers = 0;
  structuredInvalid = 0;
  images = 0;
  imageTokens = 0;
  private recentImages: ReceivedImage[][] = [];
  private promptDigests: string[] = [];
  private bodies: unknown[] = [];
  private bodiesStart = 0;
  private arrivals: number[] = [];
  private inFlightAtArrival: number[] = [];
  private lag = new Uint32Array(LAG_BUCKETS);
  private lagCount = 0;
  private lagMax = 0;

  constructor(private readonly startMs: number) {}

  /**
   * A request arrived; it counts as in flight until `ended`. Bodies over 64 KB are kept as a summary
   * (their other fields, and the size of what was left out) so 1000 huge prompts cannot eat the heap.
   */
  arrived(nowMs: number, body: unknown, bodyBytes = 0): void {
    if (bodyBytes > MAX_KEPT_BODY_BYTES && body !== null && typeof body === 'object') {
      const big = body as Record<string, unknown>;
      const fields = ['messages', 'prompt', 'input'].filter((k) => big[k] !== undefined);
      const kept = Object.fromEntries(Object.entries(big).filter(([k]) => !fields.includes(k)));
      body = { ...kept, omitted: { bytes: bodyBytes, fields } };
    }
    this.requests++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    if (this.arrivals.length < MAX_ARRIVALS) {
      this.arrivals.push(Math.round((nowMs - this.startMs) * 1000) / 1000);
      this.inFlightAtArrival.push(this.inFlight);
    }
    // A ring buffer: overwrite the oldest once full.
    if (this.bodies.length < MAX_BODIES) this.bodies.push(body);
    else {
      this.bodies[this.bodiesStart] = body;
      this.bodiesStart = (this.bodiesStart + 1) % MAX_BODIES;
    }
  }

  /** A completion request's prompt text, kept as a digest (a prompt may be megabytes; 16 characters suffice to compare). */
  promptSeen(text: string): void {
    if (this.promptDigests.length >= MAX_ARRIVALS) return;
    const digest = hash32(text, 0x9e3779b9).toString(16).padStart(8, '0') + hash32(text, 0x7f4a7c15).toString(16).padStart(8, '0');
    this.promptDigests.push(digest);
  }

  /** A request's images (possibly none); returns the tokens they count for. */
  imagesSeen(images: ReceivedImage[]): number {
    if (images.length === 0) return 0;
    let tokens = 0;
    for (const image of images) tokens += image.tokens;
    this.images += images.length;
    this.imageTokens += tokens;
    if (this.recentImages.length >= MAX_BODIES) this.recentImages.shift();
    this.recentImages.push(images);
    return tokens;
  }

  ended(outcome: 'completed' | 'cancelled' | 'rejected'): void {
    this.inFlight--;
    this[outcome]++;
  }

  faultInjected(kind: string): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }

  setActive(active: number, queued: number): void {
    this.active = active;
    this.queued = queued;
    if (active > this.maxActive) this.maxActive = active;
    if (queued > this.maxQueued) this.maxQueued = queued;
  }

  /** Records how late an event was written (negative: written early within the timer's slack). */
  recordLag(lagMs: number): void {
    const v = lagMs > 0 ? lagMs : 0;
    const i = Math.min(LAG_BUCKETS - 1, Math.floor(v / LAG_BUCKET_MS));
    this.lag[i]!++;
    this.lagCount++;
    if (v > this.lagMax) this.lagMax = v;
  }

  private lagPercentile(p: number): number {
    if (this.lagCount === 0) return 0;
    const rank = Math.ceil((p / 100) * this.lagCount);
    let seen = 0;
    for (let i = 0; i < LAG_BUCKETS; i++) {
      seen += this.lag[i]!;
      if (seen >= rank) return Math.min(this.lagMax, (i + 1) * LAG_BUCKET_MS);
    }
    return this.lagMax;
  }

  /** Forgets counters and samples (gauges such as inFlight, active and queued are kept). */
  reset(): void {
    this.requests = 0;
    this.maxInFlight = this.inFlight;
    this.maxActive = this.active;
    this.maxQueued = this.queued;
    this.completed = 0;
    this.cancelled = 0;
    this.rejected = 0;
    this.tokensSent = 0;
    this.ignoreEosRequests = 0;
    this.minTokensRequests = 0;
    this.faults = {};
    this.cacheResets = 0;
    this.toolCalls = 0;
    this.toolCallsInvalid = 0;
    this.structuredAnswers = 0;
    this.structuredInvalid = 0;
    this.images = 0;
    this.imageTokens = 0;
    this.recentImages = [];
    this.promptDigests = [];
    this.bodies = [];
    this.bodiesStart = 0;
    this.arrivals = [];
    this.inFlightAtArrival = [];
    this.lag.fill(0);
    this.lagCount = 0;
    this.lagMax = 0;
  }

  snapshot(): MockStats {
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      requests: this.requests,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      active: this.active,
      maxActive: this.maxActive,
      queued: this.queued,
      maxQueued: this.maxQueued,
      completed: this.completed,
      cancelled: this.cancelled,
      rejected: this.rejected,
      tokensSent: this.tokensSent,
      ignoreEosRequests: this.ignoreEosRequests,
      minTokensRequests: this.minTokensRequests,
      faults: { ...this.faults },
      lagMs: { p50: round(this.lagPercentile(50)), p99: round(this.lagPercentile(99)), max: round(this.lagMax), count: this.lagCount },
      recentBodies: [...this.bodies.slice(this.bodiesStart), ...this.bodies.slice(0, this.bodiesStart)],
      arrivalTimesMs: [...this.arrivals],
      inFlightAtArrival: [...this.inFlightAtArrival],
      promptDigests: [...this.promptDigests],
      cacheResets: this.cacheResets,
      toolCalls: this.toolCalls,
      toolCallsInvalid: this.toolCallsInvalid,
      structuredAnswers: this.structuredAnswers,
      structuredInvalid: this.structuredInvalid,
      images: this.images,
      imageTokens: this.imageTokens,
      recentImages: this.recentImages.map((list) => list.map((image) => ({ ...image }))),
    };
  }
}
