// The small interface an API kind with its own wire format (Responses, Messages) implements: body, stream events, whole bodies.
import type { Prompt } from '../../workload/prompts.js';
import type { PackageGapSink, RequestState } from '../request-state.js';
import type { ToolFields } from './tool-fields.js';

/** What a request body builder needs to know beyond the prompt. */
export interface BodyOptions extends ToolFields {
  model: string;
  stream: boolean;
  /** max_tokens for this prompt (null: the server's default, where the API has one). */
  maxTokens: number | null;
  ignoreEos: boolean;
}

/**
 * One API kind. Chat completions and completions are decoded inline in stream.ts (their per-chunk path is the
 * cheapest one); the other kinds are looked up once per run and called once per parsed event.
 */
export interface StreamApi {
  readonly name: string;
  /** The request body (without --extra-body, which the caller merges last). */
  body(prompt: Prompt, options: BodyOptions): Record<string, unknown>;
  /** One SSE event's parsed JSON, which arrived at `nowMs`; `eventName` is its `event:` field (or 'message'). */
  onEvent(json: Record<string, unknown>, eventName: string, state: RequestState, gaps: PackageGapSink, nowMs: number): void;
  /** A complete (non-streaming) response body. */
  applyBody(state: RequestState, body: Record<string, unknown>, nowMs: number): void;
}
