// The OpenAI Responses API (POST /v1/responses): request body, typed stream events and whole bodies.
import { errorMessageOf, noteResponseId, readUsage } from '../payload.js';
import type { PackageGapSink, RequestState } from '../request-state.js';
import { recordPackage, recordWholeAnswer } from './package.js';
import { responsesToolFields } from './tool-fields.js';
import { noteToolCallStart } from '../checks/tool-calls.js';
import type { StreamApi } from './types.js';

interface ResponsesUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  output_tokens_details?: { reasoning_tokens?: unknown } | null;
}

interface ResponseObject {
  id?: unknown;
  status?: unknown;
  error?: unknown;
  usage?: ResponsesUsage | null;
  incomplete_details?: unknown;
  output?: unknown;
}

/** Responses usage in the chat-completions names the rest of llmperf reads (and checks) once per request. */
function takeUsage(state: RequestState, usage: ResponsesUsage | null | undefined): void {
  if (usage === null || typeof usage !== 'object') return;
  const details = usage.output_tokens_details;
  readUsage(state, {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    completion_tokens_details: details !== null && typeof details === 'object' ? { reasoning_tokens: details.reasoning_tokens } : undefined,
  });
}

/** The end of a response: `completed`, or `incomplete` (max_output_tokens reached: a clean end, as finish_reason "length"). */
function onEnd(state: RequestState, response: ResponseObject | undefined): void {
  if (response === undefined || response === null || typeof response !== 'object') return;
  noteResponseId(state, response.id);
  takeUsage(state, response.usage);
  state.sawFinish = true;
}

export const responsesApi: StreamApi = {
  name: 'responses',

  body(prompt, options) {
    const body: Record<string, unknown> = { model: options.model, input: prompt.messages };
    if (options.maxTokens !== null) {
      body.max_output_tokens = options.maxTokens;
      // vLLM's Responses endpoint takes the same sampling extras as its chat endpoint.
      if (options.ignoreEos) {
        body.ignore_eos = true;
        body.min_tokens = options.maxTokens;
      }
    }
    if (options.stream) body.stream = true;
    responsesToolFields(options, body);
    return body;
  },

  /**
   * Text deltas are packages (output_text: answer; reasoning_summary_text and reasoning_text: reasoning;
   * function_call_arguments: answer bytes not kept as text). Success needs `response.completed` or
   * `response.incomplete`; `response.failed` and `error` fail the request with the server's message.
   */
  onEvent(json, eventName, state: RequestState, gaps: PackageGapSink, nowMs: number) {
    const type = typeof json.type === 'string' ? json.type : eventName;
    switch (type) {
      case 'response.output_text.delta':
        if (typeof json.delta === 'string' && json.delta.length > 0) recordPackage(state, gaps, nowMs, null, json.delta);
        return;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (typeof json.delta === 'string' && json.delta.length > 0) recordPackage(state, gaps, nowMs, json.delta, null);
        return;
      case 'response.function_call_arguments.delta':
        if (typeof json.delta === 'string' && json.delta.length > 0) {
          noteToolCallStart(state, nowMs);
          state.toolCalls?.add(json.output_index as number, undefined, json.delta);
          recordPackage(state, gaps, nowMs, null, json.delta, false);
        }
        return;
      case 'response.output_item.added': {
        // A function call's name arrives with its item, before any argument delta.
        const item = json.item as { type?: unknown; name?: unknown } | null | undefined;
        if (state.toolCalls !== null && item !== null && typeof item === 'object' && item.type === 'function_call') state.toolCalls.add(json.output_index as number, item.name, '');
        return;
      }
      case 'response.created':
        if (json.response !== null && typeof json.response === 'object') noteResponseId(state, (json.response as ResponseObject).id);
        return;
      case 'response.completed':
      case 'response.incomplete':
        onEnd(state, json.response as ResponseObject | undefined);
        return;
      case 'response.failed': {
        const response = json.response as ResponseObject | undefined;
        const error = response !== null && typeof response === 'object' ? response.error : undefined;
        state.fail('stream_error_event', errorMessageOf(error ?? json));
        return;
      }
      case 'error':
        state.fail('stream_error_event', errorMessageOf(json));
        return;
      default:
      // in_progress, output_item.added/done, content_part.*, *.done: structure, not output.
    }
  },

  applyBody(state, body, nowMs) {
    const response = body as ResponseObject;
    noteResponseId(state, response.id);
    takeUsage(state, response.usage);
    if (response.status === 'failed') {
      state.fail('response_failed', errorMessageOf(response.error ?? 'status failed'));
      return;
    }
    let reasoning = '';
    let content = '';
    let calls = 0;
    for (const item of Array.isArray(response.output) ? (response.output as Array<Record<string, unknown>>) : []) {
      if (item === null || typeof item !== 'object') continue;
      const parts = item.type === 'reasoning' ? [item.summary, item.content] : [item.content];
      for (const list of parts) {
        for (const part of Array.isArray(list) ? (list as Array<{ text?: unknown }>) : []) {
          if (part === null || typeof part !== 'object' || typeof part.text !== 'string') continue;
          if (item.type === 'reasoning') reasoning += part.text;
          else content += part.text;
        }
      }
      if (item.type === 'function_call' && typeof item.arguments === 'string') {
        content += item.arguments;
        noteToolCallStart(state, nowMs);
        state.toolCalls?.add(calls++, item.name, item.arguments);
      }
    }
    state.sawFinish = true;
    recordWholeAnswer(state, reasoning, content, nowMs);
  },
};
