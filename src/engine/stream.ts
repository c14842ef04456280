// Per-request state and the streaming decoder: bytes -> SSE events -> packages, usage and errors.
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/** Receives the time gap between consecutive packages; the recorder implements it. */
export interface PackageGapSink {
  recordItlUs(gapUs: number): void;
}

/**
 * Everything measured about one request. Times are `performance.now()` milliseconds; NaN means "did not happen".
 * Plain numeric fields on a class so the hot path never allocates.
 */
export class RequestState {
  index: number;
  /** Intended send time (open loop) or NaN (closed loop). */
  intendedMs = NaN;
  /** Multi-turn: 0 for a conversation's first turn, 1+ for later ones; -1 outside multi-turn runs. */
  turn = -1;
  sendMs = NaN;
  headersMs = NaN;
  firstPackageMs = NaN;
  firstReasoningMs = NaN;
  firstAnswerMs = NaN;
  lastPackageMs = NaN;
  endMs = NaN;
  packages = 0;
  reasoningPackages = 0;
  contentChars = 0;
  reasoningChars = 0;
  promptTokens = -1;
  completionTokens = -1;
  reasoningTokens = -1;
  inputTokensEstimate = 0;
  status = 0;
  sawDone = false;
  sawFinish = false;
  reconnected = false;
  errorKind: string | null = null;
  errorMessage: string | null = null;
  /** Kept only when the caller needs the text (eval); a load run keeps character counts only. */
  contentPieces: string[] | null = null;
  reasoningPieces: string[] | null = null;
  /** The parsed body of a non-streaming response, kept when the caller keeps text (logprobs live there). */
  responseJson: unknown = null;
  /** Non-streaming body or an error body (bounded). */
  bodyChunks: Buffer[] | null = null;

  constructor(index: number) {
    this.index = index;
  }

  fail(kind: string, message: string): void {
    if (this.errorKind === null) {
      this.errorKind = kind;
      this.errorMessage = message;
    }
  }
}

interface ChunkJson {
  error?: { message?: string } | string;
  /** vLLM reports a mid-stream failure as a top-level error object: {"object": "error", "message": ...}. */
  object?: string;
  message?: string;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
  } | null;
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
    text?: string | null;
    finish_reason?: string | null;
  }>;
}

/**
 * Decodes one response stream. `push(chunk, nowMs)` is the hot path: the caller takes the clock
 * before calling, so parsing cost never shifts a timestamp. Events in one chunk share its arrival time.
 */
export class SseDecoder {
  /** StringDecoder, not TextDecoder: same UTF-8 handling of split characters, at about a third of the cost per chunk (bench/profile.js). */
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser: EventSourceParser;
  private nowMs = 0;

  constructor(
    private readonly state: RequestState,
    private readonly gaps: PackageGapSink,
  ) {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  push(chunk: Uint8Array, nowMs: number): void {
    this.nowMs = nowMs;
    this.parser.feed(this.decoder.write(chunk));
  }

  /** Flushes a final event that lacked its blank line (some servers end that way). */
  end(nowMs: number): void {
    this.nowMs = nowMs;
    const rest = this.decoder.end();
    this.parser.feed(rest + '\n\n');
  }

  private onEvent(event: EventSourceMessage): void {
    const data = event.data;
    const state = this.state;
    if (data === '[DONE]') {
      state.sawDone = true;
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
    if (json.error !== undefined && json.error !== null) { // some servers send "error": null in every chunk
      const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? 'error event');
      state.fail('stream_error_event', String(message).slice(0, 200));
      return;
    }
    if (json.object === 'error') {
      state.fail('stream_error_event', String(json.message ?? 'error event').slice(0, 200));
      return;
    }
    const usage = json.usage;
    if (usage) {
      if (typeof usage.prompt_tokens === 'number') state.promptTokens = usage.prompt_tokens;
      if (typeof usage.completion_tokens === 'number') state.completionTokens = usage.completion_tokens;
      const reasoning = usage.completion_tokens_details?.reasoning_tokens;
      if (typeof reasoning === 'number') state.reasoningTokens = reasoning;
    }
    const choice = json.choices?.[0];
    if (choice === undefined) return;
    if (choice.finish_reason) state.sawFinish = true;
    const delta = choice.delta;
    const content = delta !== undefined ? delta.content : choice.text;
    const reasoning = delta !== undefined ? (delta.reasoning_content ?? delta.reasoning) : undefined;
    const hasReasoning = typeof reasoning === 'string' && reasoning.length > 0;
    const hasContent = typeof content === 'string' && content.length > 0;
    if (!hasReasoning && !hasContent) return; // role-only or empty chunks are not packages

    const now = this.nowMs;
    if (state.packages === 0) state.firstPackageMs = now;
    else this.gaps.recordItlUs((now - state.lastPackageMs) * 1000);
    state.lastPackageMs = now;
    state.packages++;
    if (hasReasoning) {
      if (state.reasoningPackages === 0) state.firstReasoningMs = now;
      state.reasoningPackages++;
      state.reasoningChars += (reasoning as string).length;
      state.reasoningPieces?.push(reasoning as string);
    }
    if (hasContent) {
      if (Number.isNaN(state.firstAnswerMs)) state.firstAnswerMs = now;
      state.contentChars += (content as string).length;
      state.contentPieces?.push(content as string);
    }
  }
}

/** Reads a complete (non-streaming) response body into the state: text, usage, finish. */
export function applyJsonBody(state: RequestState, body: unknown, nowMs: number): void {
  const json = body as ChunkJson & {
    choices?: Array<{ message?: { content?: string | null; reasoning_content?: string | null } }>;
  };
  const choice = json?.choices?.[0] as
    | { message?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null }; text?: string | null; finish_reason?: string | null }
    | undefined;
  if (json?.usage) {
    if (typeof json.usage.prompt_tokens === 'number') state.promptTokens = json.usage.prompt_tokens;
    if (typeof json.usage.completion_tokens === 'number') state.completionTokens = json.usage.completion_tokens;
    const reasoning = json.usage.completion_tokens_details?.reasoning_tokens;
    if (typeof reasoning === 'number') state.reasoningTokens = reasoning;
  }
  if (!choice) {
    // Embeddings answer with `data` and no choices: one complete answer and no output tokens, so TTFT equals latency.
    if (Array.isArray((json as { data?: unknown }).data)) {
      state.sawFinish = true;
      state.completionTokens = 0;
      state.firstPackageMs = nowMs;
      state.lastPackageMs = nowMs;
      state.packages = 1;
    }
    return;
  }
  state.sawFinish = true;
  const content = choice.message ? choice.message.content : choice.text;
  const reasoning = choice.message ? (choice.message.reasoning_content ?? choice.message.reasoning) : null;
  if (typeof reasoning === 'string' && reasoning.length > 0) {
    state.firstReasoningMs = nowMs;
    state.reasoningChars = reasoning.length;
    state.reasoningPieces?.push(reasoning);
  }
  if (typeof content === 'string' && content.length > 0) {
    state.firstAnswerMs = nowMs;
    state.contentChars = content.length;
    state.contentPieces?.push(content);
  }
  if (state.contentChars > 0 || state.reasoningChars > 0) {
    state.firstPackageMs = nowMs;
    state.lastPackageMs = nowMs;
    state.packages = 1;
  }
}
