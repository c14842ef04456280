// Reads the JSON a server sends (stream events and whole bodies): usage, error messages, the response id.
import type { RequestState } from './request-state.js';

export interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

/** A token count a server can mean: a finite non-negative integer. Bounds that depend on the request are checked at its end (usage.ts). */
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * Takes the usage fields a server reported. A value that is not a count (1e999 parses as Infinity; null,
 * fractions, negatives, strings) is not taken: the client's estimate stands and the request is marked
 * `usage_invalid`. Called per usage object (once per request, or per chunk with continuous usage): cheap checks only.
 */
export function readUsage(state: RequestState, usage: UsageJson): void {
  const prompt = usage.prompt_tokens;
  if (prompt !== undefined) {
    if (isCount(prompt)) state.promptTokens = prompt;
    else state.usageInvalid ??= `prompt_tokens: ${String(prompt)}`;
  }
  const completion = usage.completion_tokens;
  if (completion !== undefined) {
    if (isCount(completion)) state.completionTokens = completion;
    else state.usageInvalid ??= `completion_tokens: ${String(completion)}`;
  }
  const details = usage.completion_tokens_details;
  const reasoning = details !== null && typeof details === 'object' ? details.reasoning_tokens : undefined;
  if (reasoning !== undefined && reasoning !== null) {
    if (isCount(reasoning)) state.reasoningTokens = reasoning;
    else state.usageInvalid ??= `reasoning_tokens: ${String(reasoning)}`;
  }
}

/**
 * The server's own words from an error value: a string, `{message}`, or one level of nesting
 * (`{"error": {"message": ...}}`, as some proxies wrap an upstream error); otherwise the value as JSON.
 */
export function errorMessageOf(value: unknown): string {
  const text = messageOf(value, 2);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function messageOf(value: unknown, depth: number): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const object = value as { message?: unknown; error?: unknown; detail?: unknown };
  if (typeof object.message === 'string' && object.message.length > 0) return object.message;
  if (typeof object.detail === 'string' && object.detail.length > 0) return object.detail;
  if (depth > 0 && object.error !== undefined && object.error !== null && object.error !== false) return messageOf(object.error, depth - 1);
  try {
    return JSON.stringify(value);
  } catch {
    return 'error event';
  }
}

/** Takes a response's `id` (chatcmpl-...) once, as the request id when the server sent no x-request-id header. */
export function noteResponseId(state: RequestState, id: unknown): void {
  if (state.serverRequestId === null && typeof id === 'string' && id.length > 0) state.serverRequestId = id.slice(0, 200);
}
