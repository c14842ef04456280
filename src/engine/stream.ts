// The streaming decoder: bytes -> SSE events -> packages, usage and errors (and whole JSON bodies, below).
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { errorMessageOf, noteResponseId, readUsage, type UsageJson } from './payload.js';
import { RequestState, type PackageGapSink } from './request-state.js';
import { recordPackage, recordWholeAnswer } from './apis/package.js';
import type { StreamApi } from './apis/types.js';
import { chatToolCallFragments, wholeToolCalls } from './checks/tool-calls.js';

export { RequestState, type PackageGapSink };

/** Default bound on one SSE line or event (--max-event-bytes): far above any real chunk, far below a memory problem. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

interface ChunkJson {
  id?: unknown;
  error?: unknown;
  /** vLLM reports a mid-stream failure as a top-level error object: {"object": "error", "message": ...}. */
  object?: unknown;
  usage?: UsageJson | null;
  choices?: unknown;
}

interface ChoiceJson {
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null; tool_calls?: unknown } | null;
  text?: string | null;
  finish_reason?: string | null;
}

/**
 * Decodes one response stream. `push(chunk, nowMs)` is the hot path: the caller takes the clock
 * before calling, so parsing cost never shifts a timestamp. Events in one chunk share its arrival time.
 *
 * SSE fields, as servers use them: `data:` carries the chunks; `error:` (llama.cpp, a JSON error then `data: [DONE]`)
 * and `event: error` + `data:` carry a server-reported failure; comments, `id:` and `retry:` are ignored.
 * A line or event longer than `maxEventBytes` (characters after UTF-8 decoding; bytes for ASCII) ends the
 * request as `event_too_large`: eventsource-parser's own buffer bound keeps memory flat whatever a server sends.
 */
export class SseDecoder {
  /** StringDecoder, not TextDecoder: same UTF-8 handling of split characters, at about a third of the cost per chunk (bench/profile.js). */
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser: EventSourceParser;
  private nowMs = 0;
  /** True once the stream cannot be read further (an event over the size bound): the caller ends the request. */
  stopped = false;

  constructor(
    private readonly state: RequestState,
    private readonly gaps: PackageGapSink,
    private readonly maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES,
    /** An API kind with its own event types (Responses, Messages); null: chat completions and completions, decoded inline. */
    private readonly api: StreamApi | null = null,
  ) {
    this.parser = createParser({
      onEvent: (event) => this.onEvent(event),
      onError: (error) => this.onParseError(error),
      maxBufferSize: maxEventBytes,
    });
  }

  /** Returns false when the request must end now (the reason is already in the state). */
  push(chunk: Uint8Array, nowMs: number): boolean {
    this.nowMs = nowMs;
    if (this.stopped) return false;
    this.feed(this.decoder.write(chunk));
    return !this.stopped;
  }

  /** Flushes a final event that lacked its blank line (some servers end that way). */
  end(nowMs: number): void {
    this.nowMs = nowMs;
    if (!this.stopped) this.feed(this.decoder.end() + '\n\n');
  }

  private feed(text: string): void {
    try {
      this.parser.feed(text);
    } catch (error) {
      // A payload shape nothing here anticipated fails this request as what it is, never as a cut connection.
      this.state.fail('invalid_payload', `unexpected stream payload: ${(error as Error).message}`);
    }
  }

  private onParseError(error: ParseError): void {
    if (error.type === 'max-buffer-size-exceeded') {
      this.stopped = true;
      this.state.fail('event_too_large', `an SSE line or event grew past ${this.maxEventBytes} bytes without ending (--max-event-bytes)`);
    } else if (error.type === 'unknown-field' && error.field === 'error') {
      // llama.cpp: `error: {"code":500,"message":"...","type":"server_error"}` then `data: [DONE]`.
      this.state.fail('stream_error_event', errorMessageOf(parseOrText(error.value ?? '')));
    }
    // Any other unknown field and an invalid `retry:` are ignored, as the SSE standard says.
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.stopped) return; // events parsed from the same read after the bound was passed
    const data = event.data;
    const state = this.state;
    // The parser's bound covers what it buffers; an event that arrived whole in one read is measured here.
    if (data.length > this.maxEventBytes) {
      this.onParseError({ type: 'max-buffer-size-exceeded' } as ParseError);
      return;
    }
    if (data === '[DONE]') {
      state.sawDone = true;
      return;
    }
    if (event.event === 'error') {
      const value = parseOrText(data);
      const inner = value !== null && typeof value === 'object' && (value as ChunkJson).error ? (value as ChunkJson).error : value;
      state.fail('stream_error_event', errorMessageOf(inner));
      return;
    }
    let json: ChunkJson;
    try {
      json = JSON.parse(data) as ChunkJson;
    } catch {
      state.fail('invalid_json', `invalid JSON in a stream event: ${data.slice(0, 80)}`);
      return;
    }
    if (json === null || typeof json !== 'object') {
      state.fail('invalid_json', `a stream event is not a JSON object: ${data.slice(0, 80)}`);
      return;
    }
    // Falsy error fields (null, false, "") are what some servers send in every healthy chunk.
    if (json.error) {
      state.fail('stream_error_event', errorMessageOf(json.error));
      return;
    }
    if (json.object === 'error') {
      state.fail('stream_error_event', errorMessageOf(json));
      return;
    }
    if (this.api !== null) {
      this.api.onEvent(json as Record<string, unknown>, event.event ?? 'message', state, this.gaps, this.nowMs);
      return;
    }
    if (state.serverRequestId === null) noteResponseId(state, json.id);
    const usage = json.usage;
    if (usage !== undefined && usage !== null && typeof usage === 'object') readUsage(state, usage);
    const choices = json.choices;
    if (choices === undefined || choices === null) return;
    const choice = (choices as ChoiceJson[])[0];
    if (choice === undefined && Array.isArray(choices)) return; // `choices: []` beside a usage chunk
    if (choice === null || typeof choice !== 'object' || !Array.isArray(choices)) {
      state.fail('invalid_payload', `a stream event has no usable choice: ${data.slice(0, 80)}`);
      return;
    }
    if (choice.finish_reason) state.sawFinish = true;
    const delta = choice.delta;
    if (delta === null || (delta !== undefined && typeof delta !== 'object')) {
      state.fail('invalid_payload', `a stream event's delta is not an object: ${data.slice(0, 80)}`);
      return;
    }
    const content = delta !== undefined ? delta.content : choice.text;
    const reasoning = delta !== undefined ? (delta.reasoning_content ?? delta.reasoning) : undefined;
    const hasReasoning = typeof reasoning === 'string' && reasoning.length > 0;
    const hasContent = typeof content === 'string' && content.length > 0;
    const toolCalls = delta !== undefined ? delta.tool_calls : undefined;
    if (!hasReasoning && !hasContent) {
      // A tool-call fragment is a package like content: its argument text counts as output, kept only for the checks.
      if (Array.isArray(toolCalls) && toolCalls.length > 0) {
        const text = chatToolCallFragments(state, toolCalls, this.nowMs);
        if (text !== null) recordPackage(state, this.gaps, this.nowMs, null, text, false);
      }
      return; // role-only or empty chunks are not packages
    }
    if (Array.isArray(toolCalls) && toolCalls.length > 0) chatToolCallFragments(state, toolCalls, this.nowMs);

    recordPackage(state, this.gaps, this.nowMs, hasReasoning ? (reasoning as string) : null, hasContent ? (content as string) : null);
  }
}

/** An error payload as JSON when it is JSON, else its text (servers send both). */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads a complete (non-streaming) response body into the state: text, usage, finish. */
export function applyJsonBody(state: RequestState, body: unknown, nowMs: number): void {
  const json = body as ChunkJson & { data?: unknown };
  if (json === null || typeof json !== 'object') return;
  const choice = (Array.isArray(json.choices) ? json.choices[0] : undefined) as
    | { message?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null; tool_calls?: unknown } | null; text?: string | null; finish_reason?: string | null }
    | null
    | undefined;
  noteResponseId(state, json.id);
  // Some servers and proxies report a failure inside a 200 (vLLM's `{"object":"error"}`, a gateway's `{"error":{...}}`).
  if (json.error || json.object === 'error') {
    state.fail('response_failed', errorMessageOf(json.error || json));
    return;
  }
  if (json.usage !== null && typeof json.usage === 'object') readUsage(state, json.usage);
  if (!choice || typeof choice !== 'object') {
    // Embeddings answer with `data` and no choices: one complete answer and no output tokens, so TTFT equals latency.
    if (Array.isArray(json.data)) {
      state.sawFinish = true;
      state.completionTokens = 0;
      state.firstPackageMs = nowMs;
      state.lastPackageMs = nowMs;
      state.packages = 1;
    }
    return;
  }
  state.sawFinish = true;
  const message = choice.message !== null && typeof choice.message === 'object' ? choice.message : null;
  const content = message ? message.content : choice.text;
  const reasoning = message ? (message.reasoning_content ?? message.reasoning) : null;
  // Tool calls are the answer too: their arguments count as output characters (never kept as the answer's text).
  const toolText = message ? wholeToolCalls(state, message.tool_calls, nowMs) : '';
  recordWholeAnswer(state, typeof reasoning === 'string' ? reasoning : '', typeof content === 'string' ? content : '', nowMs);
  if (toolText.length > 0 || !Number.isNaN(state.firstToolCallMs)) countToolText(state, toolText, nowMs);
}

/** A whole answer's tool-call text: output characters, and a package when the answer has nothing else. */
function countToolText(state: RequestState, text: string, nowMs: number): void {
  state.contentChars += text.length;
  if (state.packages === 0) {
    state.firstPackageMs = nowMs;
    state.lastPackageMs = nowMs;
    state.packages = 1;
  }
}
