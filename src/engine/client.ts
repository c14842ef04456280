// Sends one request through an undici pool with raw dispatch handler callbacks: the hot path of the engine.
import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { classifyError, codedError, RECONNECTABLE } from './dispatcher.js';
import { noteRetryAfter } from './retry.js';
import { createDecompressor, decodeBody, isDecodable, readResponseHeaders } from './encoding.js';
import { RequestState, SseDecoder, applyJsonBody, type PackageGapSink } from './stream.js';
import type { StreamApi } from './apis/types.js';

export { classifyError, createDispatcher, type ClientOptions } from './dispatcher.js';

/** Limit on how much of an error or non-streaming body is kept (a server can send megabytes of HTML). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 4096;

export interface PreparedRequest {
  origin: string;
  path: string;
  /** Header pairs, flat: [name, value, name, value...] (undici's cheapest form). */
  headers: string[];
  /** The JSON body; with images, its pieces in order (shared image bytes between them) under a Content-Length header. */
  body: string | Buffer[];
  stream: boolean;
  /** Bound on one SSE line or event (--max-event-bytes; default 1 MiB). */
  maxEventBytes?: number;
  /**
   * Response body bytes beyond which the request ends as response_too_large (eval and arena keep every
   * answer's text); counted as received and, for an encoded stream, also as decoded. Absent: no cap.
   */
  maxBytes?: number;
  /** The API kind's event and body mapping when it is not chat completions or completions (Responses, Messages). */
  api?: StreamApi | null;
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
  /** An encoded stream's decompressor (null for identity, the usual case: then chunks go straight to the decoder). */
  private inflater: Transform | null = null;
  /** Encoded stream: arrival time of the latest compressed chunk, given to what it decodes to. */
  private arrivalMs = 0;
  /** Encoded stream: bytes it decoded to so far (against --max-response-bytes). */
  private decodedBytes = 0;
  /** Content-Encoding of a whole (non-streaming or error) body, decoded once at its end. */
  private bodyEncoding: string | null = null;
  /** undici has delivered the whole body, but an encoded stream is still being decoded. */
  private draining = false;

  constructor(
    private readonly request: PreparedRequest,
    private readonly state: RequestState,
    private readonly gaps: PackageGapSink,
    private readonly timeoutMs: number,
    private readonly onEnd: (state: RequestState) => void,
    private readonly retry: () => boolean,
  ) {}

  start(dispatcher: Dispatcher): void {
    this.timer = setTimeout(() => this.abort(this.timeoutError()), this.timeoutMs);
    const request = this.request;
    dispatcher.dispatch(
      // undici's types omit iterable bodies, which its dispatcher writes piece by piece (image bodies: image-body.ts).
      { origin: request.origin, path: request.path, method: 'POST', headers: request.headers, body: request.body as string },
      this,
    );
  }

  /** Ends the request from outside (timeout, interruption). */
  abort(reason: Error): void {
    if (this.done) return;
    // undici has finished with a request whose encoded body is still decoding: end it here.
    if (this.abortRequest && !this.draining) this.abortRequest(reason);
    else this.onError(reason);
  }

  /** No headers yet is `headers_timeout` (a server that accepted the request but never answered); later, `timeout`. */
  private timeoutError(): Error {
    return Number.isNaN(this.state.headersMs)
      ? codedError('UND_ERR_HEADERS_TIMEOUT', `no response headers within ${this.timeoutMs} ms`)
      : codedError('LLMPERF_TIMEOUT', `no complete response within ${this.timeoutMs} ms`);
  }

  /** The pool opened a connection for this request (pool.ts): its TCP (+TLS) set-up time, before the write. */
  onConnectionOpened(setupMs: number): void {
    // A resend after a dead keep-alive connection keeps the first set-up it paid (as it keeps the first write's time).
    if (Number.isNaN(this.state.connectMs)) this.state.connectMs = setupMs;
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
    const headers = readResponseHeaders(rawHeaders);
    if (headers.requestId !== null) state.serverRequestId = headers.requestId;
    if (statusCode !== 200) {
      state.fail(`http_${statusCode}`, `HTTP ${statusCode}`);
      // Once per error response (never per chunk): the wait a 429/503 asks for, used by --retries.
      if (statusCode === 429 || statusCode === 503) noteRetryAfter(state, rawHeaders);
      this.bodyEncoding = headers.encoding;
      state.bodyChunks = [];
      return true;
    }
    if (headers.encoding !== null && !isDecodable(headers.encoding)) {
      state.fail('unsupported_encoding', `the response is encoded as "${headers.encoding}", which llmperf cannot decode (it decodes gzip, deflate and br)`);
      state.bodyChunks = [];
      return true;
    }
    if (this.request.stream) {
      if (!headers.eventStream) {
        state.fail('not_event_stream', 'status 200 but the body is not text/event-stream');
        this.bodyEncoding = headers.encoding;
        state.bodyChunks = [];
        return true;
      }
      this.decoder = new SseDecoder(state, this.gaps, this.request.maxEventBytes, this.request.api ?? null);
      if (headers.encoding !== null) this.startInflater(headers.encoding);
    } else {
      this.bodyEncoding = headers.encoding;
      state.bodyChunks = [];
    }
    return true;
  }

  /** An encoded stream: decompressed output reaches the decoder stamped with its compressed chunk's arrival time. */
  private startInflater(encoding: string): void {
    const inflater = createDecompressor(encoding);
    this.inflater = inflater;
    inflater.on('data', (out: Buffer) => {
      if (this.done) return;
      this.decodedBytes += out.length;
      if (this.overCap(this.decodedBytes)) return;
      if (!(this.decoder as SseDecoder).push(out, this.arrivalMs)) this.abort(codedError('LLMPERF_STOPPED', this.state.errorMessage ?? 'stopped'));
    });
    inflater.on('error', (error: Error) => {
      this.state.fail('invalid_payload', `the ${encoding}-encoded stream does not decode: ${error.message}`);
      this.abort(error);
    });
    inflater.on('end', () => this.complete(performance.now()));
  }

  /** An endless response (a runaway generation, a hostile server) must not grow our memory until the timeout. */
  private overCap(bytes: number): boolean {
    const max = this.request.maxBytes;
    if (max === undefined || bytes <= max) return false;
    this.abort(codedError('LLMPERF_TOO_LARGE', `the response passed ${max} bytes (--max-response-bytes)`));
    return true;
  }

  onData(chunk: Buffer): boolean {
    const now = performance.now(); // clock first: parsing must never shift the timestamp
    if (this.done) return false;
    const before = this.bodyBytes;
    if (before === 0) this.state.firstByteMs = now; // HTTP phase: once per request, a comparison per chunk
    this.bodyBytes = before + chunk.length;
    if (this.overCap(this.bodyBytes)) return false;
    if (this.inflater !== null) {
      this.arrivalMs = now;
      this.inflater.write(chunk);
      return true;
    }
    if (this.decoder !== null) {
      // false: the stream cannot be read further (an event over --max-event-bytes); its kind is already in the state.
      if (!this.decoder.push(chunk, now)) this.abort(codedError('LLMPERF_STOPPED', this.state.errorMessage ?? 'stopped'));
      return true;
    }
    const chunks = this.state.bodyChunks;
    if (chunks !== null) {
      const limit = this.state.errorKind === null ? MAX_BODY_BYTES : MAX_ERROR_BODY_BYTES;
      if (before < limit) chunks.push(chunk);
    }
    return true;
  }

  onComplete(): void {
    const now = performance.now();
    if (this.done) return;
    if (this.inflater !== null) {
      // The rest arrives from the decompressor; its 'end' completes the request.
      this.draining = true;
      this.inflater.end();
      return;
    }
    this.complete(now);
  }

  private complete(now: number): void {
    if (this.done) return;
    const state = this.state;
    if (this.decoder !== null) {
      this.decoder.end(now);
      if (!state.sawDone && !state.sawFinish) state.fail('incomplete_stream', 'the stream ended without finish_reason or [DONE]');
    } else if (state.bodyChunks !== null) {
      const text = this.bodyText(state.bodyChunks);
      state.bodyChunks = null;
      if (state.errorKind !== null) {
        if (text.length > 0) state.errorMessage = `${state.errorMessage}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`;
      } else if (this.bodyBytes > MAX_BODY_BYTES) {
        // Only the first MAX_BODY_BYTES were kept: parsing them would report a misleading invalid_json.
        state.fail('response_too_large', `the response body has ${this.bodyBytes} bytes, more than the ${MAX_BODY_BYTES} llmperf keeps`);
      } else {
        try {
          const json: unknown = JSON.parse(text);
          const api = this.request.api;
          if (api && json !== null && typeof json === 'object') api.applyBody(state, json as Record<string, unknown>, now);
          else applyJsonBody(state, json, now);
          if (state.packages > 0) this.gaps.recordPackageAt(now);
          if (state.contentPieces !== null) state.responseJson = json;
        } catch {
          state.fail('invalid_json', `the response body is not JSON: ${text.slice(0, 80)}`);
        }
      }
    }
    if (state.errorKind === null && state.packages === 0) state.fail('empty_response', 'the response had no content');
    this.finish(now);
  }

  /** A whole body as text, decoded from its Content-Encoding (bounded: a decompression bomb is response_too_large). */
  private bodyText(chunks: Buffer[]): string {
    const raw = Buffer.concat(chunks);
    if (this.state.errorKind === 'unsupported_encoding') return ''; // undecodable bytes say nothing readable
    if (this.bodyEncoding === null) return raw.toString('utf8');
    try {
      return decodeBody(raw, this.bodyEncoding, MAX_BODY_BYTES).toString('utf8');
    } catch (error) {
      if (error instanceof RangeError) this.state.fail('response_too_large', `the ${this.bodyEncoding}-encoded body decodes to more than the ${MAX_BODY_BYTES} bytes llmperf keeps`);
      else this.state.fail('invalid_payload', `the ${this.bodyEncoding}-encoded body does not decode: ${(error as Error).message}`);
      return '';
    }
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
    if (this.inflater !== null) {
      this.inflater.removeAllListeners('data');
      this.inflater.on('error', () => {}); // a late decode error of an ended request is not news
      this.inflater.destroy();
      this.inflater = null;
    }
    this.onEnd(this.state);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
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
