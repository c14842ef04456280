// Sends one request through an undici pool with raw dispatch handler callbacks: the hot path of the engine.
import { performance } from 'node:perf_hooks';
import { Agent, type buildConnector, type Dispatcher } from 'undici';
import { noteRetryAfter } from './retry.js';
import { RequestState, SseDecoder, applyJsonBody, type PackageGapSink } from './stream.js';

/** Limit on how much of an error or non-streaming body is kept (a server can send megabytes of HTML). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 4096;

export interface PreparedRequest {
  origin: string;
  path: string;
  /** Header pairs, flat: [name, value, name, value...] (undici's cheapest form). */
  headers: string[];
  body: string;
  stream: boolean;
}

export interface ClientOptions {
  /** Connections per origin: the concurrency, so requests never wait for a socket inside undici. */
  connections: number;
  timeoutMs: number;
  /** No bytes for this long ends the request (undici's body timeout). */
  idleTimeoutMs: number;
  /** Verify TLS certificates (default) or not (--insecure). */
  rejectUnauthorized: boolean;
  /** Opens the connections (connections.ts: some opened before the run); absent: undici's own, with the options above. */
  connector?: buildConnector.connector;
}

export function createDispatcher(options: ClientOptions): Agent {
  return new Agent({
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.idleTimeoutMs,
    connect: options.connector ?? connectOptions(options),
  });
}

/** undici's connector options for a run: TLS verification and the connect timeout. */
export function connectOptions(options: ClientOptions): buildConnector.BuildOptions {
  return { rejectUnauthorized: options.rejectUnauthorized, timeout: Math.min(options.timeoutMs, 10_000) };
}

/** Network errors that mean the connection was gone before the server answered: safe to resend once. */
const RECONNECTABLE = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

/** Maps an undici / socket error to a stable error kind. */
export function classifyError(error: Error & { code?: string }, responseStarted: boolean): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect_timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'headers_timeout';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'idle_timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns_error';
    case 'LLMPERF_TIMEOUT':
      return 'timeout';
    case 'LLMPERF_CANCELLED':
      return 'cancelled';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'response_too_large';
    default:
      if (error.code && error.code.startsWith('ERR_TLS') || /certificate/i.test(error.message)) return 'tls_error';
      return responseStarted ? 'stream_cut' : 'connection_reset';
  }
}

function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/**
 * undici's legacy handler interface is its native one in v7 (the newer controller API is wrapped
 * into it), so implementing it directly skips one layer per callback.
 */
class StreamHandler implements Dispatcher.DispatchHandler {
  private abortRequest: ((reason?: Error) => void) | null = null;
  private decoder: SseDecoder | null = null;
  private bodyBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(
    private readonly request: PreparedRequest,
    private readonly state: RequestState,
    private readonly gaps: PackageGapSink,
    private readonly timeoutMs: number,
    private readonly onEnd: (state: RequestState) => void,
    private readonly retry: () => boolean,
  ) {}

  start(dispatcher: Dispatcher): void {
    this.timer = setTimeout(() => this.abort(codedError('LLMPERF_TIMEOUT', `no complete response within ${this.timeoutMs} ms`)), this.timeoutMs);
    const request = this.request;
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, method: 'POST', headers: request.headers, body: request.body },
      this,
    );
  }

  /** Ends the request from outside (timeout, interruption). */
  abort(reason: Error): void {
    if (this.done) return;
    if (this.abortRequest) this.abortRequest(reason);
    else this.onError(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    // undici calls this on a connected socket just before it writes the request: the request's clock starts here,
    // so connection set-up (its own phase, connections.ts) and undici's queue never count as TTFT. A resend after a
    // dead keep-alive connection keeps the first write's time: that lost attempt is part of the request.
    if (!this.state.reconnected) this.state.sendMs = performance.now();
    this.abortRequest = abort;
    // Ended (timeout, interruption) while still queued for a socket: do not send it at all.
    if (this.done) abort(codedError('LLMPERF_CANCELLED', 'ended before it was sent'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    const now = performance.now();
    if (this.done) return false;
    const state = this.state;
    state.headersMs = now;
    state.status = statusCode;
    if (statusCode !== 200) {
      state.fail(`http_${statusCode}`, `HTTP ${statusCode}`);
      // Once per error response (never per chunk): the wait a 429/503 asks for, used by --retries.
      if (statusCode === 429 || statusCode === 503) noteRetryAfter(state, rawHeaders);
      state.bodyChunks = [];
      return true;
    }
    if (this.request.stream) {
      if (!isEventStream(rawHeaders)) {
        state.fail('not_event_stream', 'status 200 but the body is not text/event-stream');
        state.bodyChunks = [];
        return true;
      }
      this.decoder = new SseDecoder(state, this.gaps);
    } else {
      state.bodyChunks = [];
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const now = performance.now(); // clock first: parsing must never shift the timestamp
    if (this.done) return false;
    if (this.decoder !== null) {
      this.decoder.push(chunk, now);
      return true;
    }
    const chunks = this.state.bodyChunks;
    if (chunks !== null) {
      const limit = this.state.errorKind === null ? MAX_BODY_BYTES : MAX_ERROR_BODY_BYTES;
      if (this.bodyBytes < limit) chunks.push(chunk);
      this.bodyBytes += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    const now = performance.now();
    if (this.done) return;
    const state = this.state;
    if (this.decoder !== null) {
      this.decoder.end(now);
      if (!state.sawDone && !state.sawFinish) state.fail('incomplete_stream', 'the stream ended without finish_reason or [DONE]');
    } else if (state.bodyChunks !== null) {
      const text = Buffer.concat(state.bodyChunks).toString('utf8');
      state.bodyChunks = null;
      if (state.errorKind !== null) {
        state.errorMessage = `${state.errorMessage}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`;
      } else if (this.bodyBytes > MAX_BODY_BYTES) {
        // Only the first MAX_BODY_BYTES were kept: parsing them would report a misleading invalid_json.
        state.fail('response_too_large', `the response body has ${this.bodyBytes} bytes, more than the ${MAX_BODY_BYTES} llmperf keeps`);
      } else {
        try {
          const json: unknown = JSON.parse(text);
          applyJsonBody(state, json, now);
          if (state.contentPieces !== null) state.responseJson = json;
        } catch {
          state.fail('invalid_json', `the response body is not JSON: ${text.slice(0, 80)}`);
        }
      }
    }
    if (state.errorKind === null && state.packages === 0) state.fail('empty_response', 'the response had no content');
    this.finish(now);
  }

  onError(error: Error & { code?: string }): void {
    if (this.done) return;
    const now = performance.now();
    const state = this.state;
    const responseStarted = !Number.isNaN(state.headersMs);
    // A keep-alive connection the server had already closed (llama.cpp does this): resend once on a fresh one.
    if (!responseStarted && error.code !== undefined && RECONNECTABLE.has(error.code) && !state.reconnected && this.retry()) {
      this.clearTimer();
      this.done = true;
      return;
    }
    state.fail(classifyError(error, responseStarted), error.message);
    this.finish(now);
  }

  private finish(now: number): void {
    if (this.done) return;
    this.done = true;
    this.clearTimer();
    this.state.endMs = now;
    this.onEnd(this.state);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function isEventStream(rawHeaders: Buffer[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') {
      return rawHeaders[i + 1].toString('latin1').includes('text/event-stream');
    }
  }
  return false;
}

/** A request in flight, abortable from outside. */
export interface InFlight {
  abort(reason: Error): void;
}

/**
 * Sends `request`, measuring into `state` (whose `sendMs` the caller set at dispatch; it moves to the write); calls `onEnd` exactly once. A connection closed before
 * any byte of the response arrived is resent once and the request is marked `reconnected`.
 */
export function sendRequest(
  dispatcher: Dispatcher,
  request: PreparedRequest,
  state: RequestState,
  gaps: PackageGapSink,
  timeoutMs: number,
  onEnd: (state: RequestState) => void,
): InFlight {
  let current: StreamHandler;
  const launch = () => {
    current = new StreamHandler(request, state, gaps, timeoutMs, onEnd, () => {
      state.reconnected = true;
      queueMicrotask(launch);
      return true;
    });
    current.start(dispatcher);
  };
  launch();
  return { abort: (reason) => current.abort(reason) };
}

export const cancelledError = (): Error => codedError('LLMPERF_CANCELLED', 'cancelled by interruption');
