// Streamed tool calls: the first fragment's time, and each call's name and argument text (only when the request carries tools).
import type { RequestState } from '../request-state.js';

/** Argument (and structured-output) text kept per request, at most: beyond it the output counts as invalid (too_large). */
export const MAX_CHECKED_CHARS = 1024 * 1024;

/**
 * The calls of one response by their stream index (chat `tool_calls[].index`, Responses `output_index`, Messages
 * content block `index`). Argument fragments are appended as they arrive, bounded: past the cap the text is dropped
 * and the request's calls count as invalid (a runaway generation must not grow memory). Parsing waits for the end.
 */
export class ToolCallParts {
  readonly names: Array<string | undefined> = [];
  readonly args: Array<string | undefined> = [];
  chars = 0;
  overCap = false;

  /** Hot path (tools in play only): one fragment of call `index`; `name` is given by the call's first fragment. */
  add(index: number, name: unknown, fragment: unknown): void {
    if (!Number.isInteger(index) || index < 0 || index > 1023) index = 0;
    if (typeof name === 'string' && name.length > 0) this.names[index] = name;
    if (this.args[index] === undefined) this.args[index] = '';
    if (typeof fragment !== 'string' || fragment.length === 0) return;
    this.chars += fragment.length;
    if (this.chars > MAX_CHECKED_CHARS) this.overCap = true;
    else this.args[index] += fragment;
  }
}

/** The first tool-call fragment of a request (whatever its API): the anchor of ttft_tool_call_ms. */
export function noteToolCallStart(state: RequestState, nowMs: number): void {
  if (Number.isNaN(state.firstToolCallMs)) state.firstToolCallMs = nowMs;
}

interface ChatToolCall {
  index?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

/**
 * Chat completions: one chunk's `delta.tool_calls` (vLLM and OpenAI send the id, type and name in a call's first
 * fragment, then `arguments` pieces). Returns the argument text the chunk carried (counted as output characters), or
 * null when it carried neither a name nor argument text: vLLM's closing fragment (empty arguments beside
 * finish_reason) is structure, not output, as an empty content delta is.
 */
export function chatToolCallFragments(state: RequestState, calls: unknown[], nowMs: number): string | null {
  const parts = state.toolCalls;
  let text = '';
  let named = false;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i] as ChatToolCall | null;
    if (call === null || typeof call !== 'object') continue;
    const fn = call.function !== null && typeof call.function === 'object' ? call.function : undefined;
    const args = fn === undefined ? undefined : fn.arguments;
    if (typeof args === 'string') text += args;
    if (typeof fn?.name === 'string' && fn.name.length > 0) named = true;
    if (parts !== null) parts.add(typeof call.index === 'number' ? call.index : i, fn?.name, args);
  }
  if (!named && text.length === 0) return null;
  noteToolCallStart(state, nowMs);
  return text;
}

/** A whole (non-streaming) chat message's `tool_calls`: every call complete at `nowMs`. Returns their argument text. */
export function wholeToolCalls(state: RequestState, calls: unknown, nowMs: number): string {
  if (!Array.isArray(calls) || calls.length === 0) return '';
  return chatToolCallFragments(state, calls, nowMs) ?? '';
}
