// API kinds with their own wire format, looked up by name once per run.
import { messagesApi } from './messages.js';
import { responsesApi } from './responses.js';
import type { StreamApi } from './types.js';

export { ANTHROPIC_VERSION, DEFAULT_MESSAGES_MAX_TOKENS, messagesApi } from './messages.js';
export { recordPackage, recordWholeAnswer } from './package.js';
export { responsesApi } from './responses.js';
export type { BodyOptions, StreamApi } from './types.js';
export type { ToolFields } from './tool-fields.js';

const APIS: Record<string, StreamApi> = { responses: responsesApi, messages: messagesApi };

/** The variant for an API kind; null for chat, completions and embeddings (decoded inline in stream.ts). */
export function streamApiFor(kind: string): StreamApi | null {
  return APIS[kind] ?? null;
}
