// The Anthropic Messages API (POST /v1/messages): request body, typed stream events and whole bodies.
import type { ChatMessage } from '../../workload/prompts.js';
import { errorMessageOf, noteResponseId, readUsage } from '../payload.js';
import type { PackageGapSink, RequestState } from '../request-state.js';
import { recordPackage, recordWholeAnswer } from './package.js';
import { messagesToolFields } from './tool-fields.js';
import { noteToolCallStart } from '../checks/tool-calls.js';
import type { StreamApi } from './types.js';

/** The API version header llmperf sends (Anthropic's current one); `--header anthropic-version:...` replaces it. */
export const ANTHROPIC_VERSION = '2023-06-01';
/** max_tokens is required by the Messages API: sent when the run sets no output length. */
export const DEFAULT_MESSAGES_MAX_TOKENS = 4096;

interface MessagesUsage {
  input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  output_tokens?: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);

/**
 * Anthropic's input_tokens leaves out tokens read from or written to its prompt cache; the prompt the server
 * took is their sum, which is what prompt_tokens means everywhere else in llmperf.
 */
function takeUsage(state: RequestState, usage: MessagesUsage | null | undefined): void {
  if (usage === null || typeof usage !== 'object') return;
  // null is what Anthropic sends for a count it does not report in this event: not taken, not invalid.
  const input = usage.input_tokens ?? undefined;
  const cached = count(usage.cache_creation_input_tokens) + count(usage.cache_read_input_tokens);
  readUsage(state, {
    prompt_tokens: typeof input === 'number' && cached > 0 ? input + cached : input,
    completion_tokens: usage.output_tokens ?? undefined,
  });
}

export const messagesApi: StreamApi = {
  name: 'messages',

  body(prompt, options) {
    // System prompts are a top-level field in this API, not a message role.
    const system = prompt.messages.filter((m: ChatMessage) => m.role === 'system').map((m) => m.content);
    const messages = prompt.messages.filter((m: ChatMessage) => m.role !== 'system');
    const body: Record<string, unknown> = { model: options.model, max_tokens: options.maxTokens ?? DEFAULT_MESSAGES_MAX_TOKENS, messages };
    if (system.length > 0) body.system = system.join('\n');
    if (options.maxTokens !== null && options.ignoreEos) {
      body.ignore_eos = true;
      body.min_tokens = options.maxTokens;
    }
    if (options.stream) body.stream = true;
    messagesToolFields(options, body);
    return body;
  },

  /**
   * content_block_delta events are packages (text_delta: answer; thinking_delta: reasoning; input_json_delta:
   * answer bytes not kept as text). message_start carries input usage, message_delta output usage; success
   * needs `message_stop`; an `error` event fails the request with the server's message.
   */
  onEvent(json, eventName, state: RequestState, gaps: PackageGapSink, nowMs: number) {
    const type = typeof json.type === 'string' ? json.type : eventName;
    switch (type) {
      case 'content_block_delta': {
        const delta = json.delta as { type?: unknown; text?: unknown; thinking?: unknown; partial_json?: unknown } | null | undefined;
        if (delta === null || typeof delta !== 'object') return;
        if (delta.type === 'text_delta') {
          if (typeof delta.text === 'string' && delta.text.length > 0) recordPackage(state, gaps, nowMs, null, delta.text);
        } else if (delta.type === 'thinking_delta') {
          if (typeof delta.thinking === 'string' && delta.thinking.length > 0) recordPackage(state, gaps, nowMs, delta.thinking, null);
        } else if (delta.type === 'input_json_delta') {
          if (typeof delta.partial_json === 'string' && delta.partial_json.length > 0) {
            noteToolCallStart(state, nowMs);
            state.toolCalls?.add(json.index as number, undefined, delta.partial_json);
            recordPackage(state, gaps, nowMs, null, delta.partial_json, false);
          }
        }
        return; // signature_delta and citations carry no generated tokens
      }
      case 'message_start': {
        const message = json.message as { id?: unknown; usage?: MessagesUsage } | null | undefined;
        if (message === null || typeof message !== 'object') return;
        noteResponseId(state, message.id);
        takeUsage(state, message.usage);
        return;
      }
      case 'content_block_start': {
        // A tool_use block names its tool here; its input then streams as input_json_delta fragments.
        const block = json.content_block as { type?: unknown; name?: unknown } | null | undefined;
        if (state.toolCalls !== null && block !== null && typeof block === 'object' && block.type === 'tool_use') state.toolCalls.add(json.index as number, block.name, '');
        return;
      }
      case 'message_delta':
        takeUsage(state, json.usage as MessagesUsage | undefined);
        return;
      case 'message_stop':
        state.sawDone = true;
        return;
      case 'error':
        state.fail('stream_error_event', errorMessageOf(json.error ?? json));
        return;
      default:
      // ping, content_block_stop: structure, not output.
    }
  },

  applyBody(state, body, nowMs) {
    noteResponseId(state, body.id);
    if (body.type === 'error') {
      state.fail('response_failed', errorMessageOf(body.error ?? body));
      return;
    }
    takeUsage(state, body.usage as MessagesUsage | undefined);
    let reasoning = '';
    let content = '';
    let calls = 0;
    for (const block of Array.isArray(body.content) ? (body.content as Array<Record<string, unknown>>) : []) {
      if (block === null || typeof block !== 'object') continue;
      if (block.type === 'text' && typeof block.text === 'string') content += block.text;
      else if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking;
      else if (block.type === 'tool_use' && block.input !== undefined) {
        const input = JSON.stringify(block.input);
        content += input;
        noteToolCallStart(state, nowMs);
        state.toolCalls?.add(calls++, block.name, input);
      }
    }
    state.sawFinish = true;
    recordWholeAnswer(state, reasoning, content, nowMs);
  },
};
