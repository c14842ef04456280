// Opt-in retries (--retries N) for transient failures: exponential backoff with jitter, Retry-After honoured.
import { PackageTrace } from './package-tokens.js';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { sendRequest, type InFlight, type PreparedRequest } from './client.js';
import { RequestState, type PackageGapSink } from './stream.js';

/**
 * Kinds worth sending again: the server said "not now" (429, 503) or the connection closed before any byte of
 * the response. Everything else (500, bad JSON, a cut stream, timeouts) is the server's answer and is reported.
 */
export const TRANSIENT_KINDS: ReadonlySet<string> = new Set(['http_429', 'http_503', 'connection_reset']);

export interface RetryPolicy {
  /** Extra attempts after the first (0: no retries, the default). */
  retries: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** Cap on one wait, Retry-After included (a server asking for an hour must not hang the run). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 0, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Retry-After per request state, kept beside the state so the per-chunk state class stays unchanged. */
const retryAfterMs = new WeakMap<RequestState, number>();

/** Reads a Retry-After header (delta-seconds or an HTTP date) from undici's raw header list; called once per error response. */
export function noteRetryAfter(state: RequestState, rawHeaders: Buffer[]): void {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 11 && name.toString('latin1').toLowerCase() === 'retry-after') {
      const ms = parseRetryAfterMs(rawHeaders[i + 1].toString('latin1'));
      if (ms !== null) retryAfterMs.set(state, ms);
      return;
    }
  }
}

/** `Retry-After: 2` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` -> ms from now; null when unreadable. */
export function parseRetryAfterMs(value: string, nowEpochMs = Date.now()): number | null {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowEpochMs);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when the server gave one, else
 * base * 2^(attempt-1) with "equal jitter" (half fixed, half random) so retries from many requests spread out.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfter: number | null, random: () => number = Math.random): number {
  if (retryAfter !== null) return Math.min(policy.maxDelayMs, retryAfter);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exponential / 2 + (exponential / 2) * random();
}

/** How many extra attempts a request took; set only on requests that were retried. */
const retriesOf = new WeakMap<RequestState, number>();
export const retryCount = (state: RequestState): number => retriesOf.get(state) ?? 0;

/** A fresh state for the next attempt: what the caller set up front carries over, measurements start again. */
function nextAttemptState(previous: RequestState): RequestState {
  const next = new RequestState(previous.index);
  next.intendedMs = previous.intendedMs;
  next.inputTokensEstimate = previous.inputTokensEstimate;
  next.maxOutputTokens = previous.maxOutputTokens;
  next.turn = previous.turn;
  next.contentPieces = previous.contentPieces === null ? null : [];
  next.reasoningPieces = previous.reasoningPieces === null ? null : [];
  next.continuousUsage = previous.continuousUsage;
  next.packageTrace = previous.packageTrace === null ? null : new PackageTrace();
  return next;
}

/** A request under --retries: also ends a pending backoff on demand (the run is stopping: no new attempts). */
export interface RetryingInFlight extends InFlight {
  endBackoff(): void;
}

/**
 * Like `sendRequest`, but a transient failure is sent again after a backoff, up to `policy.retries` times.
 * `onEnd` runs once, with the last attempt's state (its times measure that attempt; `retryCount(state)` says how many
 * came before). `canRetry(waitMs)` false (the run is stopping, or its deadline comes before the wait ends) ends the
 * request with the failure it has. Aborting during a backoff ends it at once, also with that failure: it is what the
 * server answered.
 */
export function sendWithRetries(
  dispatcher: Dispatcher,
  request: PreparedRequest,
  first: RequestState,
  gaps: PackageGapSink,
  timeoutMs: number,
  policy: RetryPolicy,
  canRetry: (waitMs: number) => boolean,
  onEnd: (state: RequestState) => void,
): RetryingInFlight {
  let attempt = 1;
  let current: InFlight;
  let waiting: { timer: NodeJS.Timeout; failed: RequestState } | null = null;
  const attemptEnded = (state: RequestState) => {
    const kind = state.errorKind;
    const delay = kind !== null && TRANSIENT_KINDS.has(kind) ? backoffMs(policy, attempt, retryAfterMs.get(state) ?? null) : 0;
    if (kind === null || !TRANSIENT_KINDS.has(kind) || attempt > policy.retries || !canRetry(delay)) {
      if (attempt > 1) retriesOf.set(state, attempt - 1);
      onEnd(state);
      return;
    }
    const timer = setTimeout(() => {
      waiting = null;
      if (!canRetry(0)) {
        retriesOf.set(state, attempt - 1);
        onEnd(state);
        return;
      }
      attempt++;
      const next = nextAttemptState(state);
      next.sendMs = performance.now();
      current = sendRequest(dispatcher, request, next, gaps, timeoutMs, attemptEnded);
    }, delay);
    waiting = { timer, failed: state };
  };
  current = sendRequest(dispatcher, request, first, gaps, timeoutMs, attemptEnded);
  const endBackoff = (): boolean => {
    if (waiting === null) return false;
    clearTimeout(waiting.timer);
    const failed = waiting.failed;
    waiting = null;
    retriesOf.set(failed, attempt - 1);
    onEnd(failed);
    return true;
  };
  return {
    abort(reason: Error) {
      if (!endBackoff()) current.abort(reason);
    },
    endBackoff() {
      endBackoff();
    },
  };
}
