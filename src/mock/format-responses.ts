// Wire format of the OpenAI Responses API (POST /v1/responses): typed SSE events and whole response objects.
import type { ResponseMeta, StreamFrames, ToolCallInfo, Usage } from './format.js';

/** `input` (a string or message items) and `instructions` as the chat messages the simulator's model reads. */
export function responsesRequestAsChat(body: Record<string, unknown>): Record<string, unknown> {
  const input = body.input;
  const messages: unknown[] = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
  if (typeof body.instructions === 'string') messages.unshift({ role: 'system', content: body.instructions });
  const { input: _input, instructions: _instructions, max_output_tokens: maxOutput, ...rest } = body;
  return { ...rest, messages, max_tokens: maxOutput, stream_options: undefined };
}

function responsesUsage(usage: Usage): unknown {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** A function_call output item (the answer is a tool call: `arguments` is its JSON text). */
export type ResponsesToolCall = ToolCallInfo & { arguments: string };

const functionCallItem = (meta: ResponseMeta, call: ToolCallInfo, args: string, status: string): Record<string, unknown> => ({
  id: `fc_${meta.id}`, type: 'function_call', status, arguments: args, call_id: call.id, name: call.name,
});

/** The response object as `response.completed` and a non-streamed answer carry it. */
function responseObject(meta: ResponseMeta, reasoning: string | null, text: string, finishReason: string, usage: Usage | null, toolCall: ResponsesToolCall | null = null): Record<string, unknown> {
  const output: unknown[] = [];
  if (reasoning !== null) output.push({ id: `rs_${meta.id}`, type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning }] });
  if (toolCall !== null) output.push(functionCallItem(meta, toolCall, toolCall.arguments, 'completed'));
  else output.push({ id: `msg_${meta.id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
  const done = usage !== null;
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.created,
    status: !done ? 'in_progress' : finishReason === 'length' ? 'incomplete' : 'completed',
    incomplete_details: done && finishReason === 'length' ? { reason: 'max_output_tokens' } : null,
    error: null,
    model: meta.model,
    output: done ? output : [],
    usage: done ? responsesUsage(usage) : null,
  };
}

export function fullResponsesBody(meta: ResponseMeta, reasoning: string | null, text: string, finishReason: string, usage: Usage, toolCall: ResponsesToolCall | null = null): unknown {
  return responseObject(meta, reasoning, text, finishReason, usage, toolCall);
}

const event = (type: string, payload: string): string => `event: ${type}\ndata: {"type":"${type}"${payload === '' ? '' : ','}${payload}}\n\n`;

/**
 * Events as OpenAI sends them: created, in_progress, then per output item added / part added / deltas /
 * done, then `response.completed` (or `response.incomplete` at max_output_tokens) with usage. Reasoning goes
 * out as a reasoning item's summary text. Fragments arrive JSON-escaped and are kept for the `.done` events.
 */
export class ResponsesFrames implements StreamFrames {
  private seq = 0;
  private open: 'none' | 'reasoning' | 'content' | 'tool' = 'none';
  private call: ToolCallInfo | null = null;
  private readonly args: string[] = [];
  private readonly reasoning: string[] = [];
  private readonly content: string[] = [];
  /** Fixed middle of a delta event (item id, indexes), built once per item: a token is then a few concatenations. */
  private readonly reasoningMid: string;
  private contentMid = '';

  constructor(private readonly meta: ResponseMeta) {
    this.reasoningMid = `,"item_id":"rs_${meta.id}","output_index":0,"summary_index":0,"delta":"`;
  }

  private n(): number {
    return this.seq++;
  }

  roleFrame(): string {
    const response = JSON.stringify(responseObject(this.meta, null, '', 'stop', null));
    return event('response.created', `"sequence_number":${this.n()},"response":${response}`) + event('response.in_progress', `"sequence_number":${this.n()},"response":${response}`);
  }

  private closeOpen(): string {
    if (this.open === 'reasoning') {
      const text = this.reasoning.join('');
      return (
        event('response.reasoning_summary_text.done', `"sequence_number":${this.n()},"item_id":"rs_${this.meta.id}","output_index":0,"summary_index":0,"text":"${text}"`) +
        event('response.reasoning_summary_part.done', `"sequence_number":${this.n()},"item_id":"rs_${this.meta.id}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"${text}"}`) +
        event('response.output_item.done', `"sequence_number":${this.n()},"output_index":0,"item":{"id":"rs_${this.meta.id}","type":"reasoning","summary":[{"type":"summary_text","text":"${text}"}]}`)
      );
    }
    if (this.open === 'tool' && this.call !== null) {
      const index = this.reasoning.length > 0 ? 1 : 0;
      const args = JSON.parse(`"${this.args.join('')}"`) as string;
      return (
        event('response.function_call_arguments.done', `"sequence_number":${this.n()},"item_id":"fc_${this.meta.id}","output_index":${index},"arguments":${JSON.stringify(args)}`) +
        event('response.output_item.done', `"sequence_number":${this.n()},"output_index":${index},"item":${JSON.stringify(functionCallItem(this.meta, this.call, args, 'completed'))}`)
      );
    }
    if (this.open === 'content') {
      const text = this.content.join('');
      const index = this.reasoning.length > 0 ? 1 : 0;
      const part = `{"type":"output_text","text":"${text}","annotations":[],"logprobs":[]}`;
      return (
        event('response.output_text.done', `"sequence_number":${this.n()},"item_id":"msg_${this.meta.id}","output_index":${index},"content_index":0,"text":"${text}","logprobs":[]`) +
        event('response.content_part.done', `"sequence_number":${this.n()},"item_id":"msg_${this.meta.id}","output_index":${index},"content_index":0,"part":${part}`) +
        event('response.output_item.done', `"sequence_number":${this.n()},"output_index":${index},"item":{"id":"msg_${this.meta.id}","type":"message","status":"completed","role":"assistant","content":[${part}]}`)
      );
    }
    return '';
  }

  reasoningFrame(fragment: string): string {
    let head = '';
    if (this.open !== 'reasoning') {
      head =
        event('response.output_item.added', `"sequence_number":${this.n()},"output_index":0,"item":{"id":"rs_${this.meta.id}","type":"reasoning","summary":[]}`) +
        event('response.reasoning_summary_part.added', `"sequence_number":${this.n()},"item_id":"rs_${this.meta.id}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}`);
      this.open = 'reasoning';
    }
    this.reasoning.push(fragment);
    return `${head}event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","sequence_number":${this.n()}${this.reasoningMid}${fragment}"}\n\n`;
  }

  contentFrame(fragment: string): string {
    let head = '';
    if (this.open !== 'content') {
      head = this.closeOpen();
      const index = this.reasoning.length > 0 ? 1 : 0;
      head +=
        event('response.output_item.added', `"sequence_number":${this.n()},"output_index":${index},"item":{"id":"msg_${this.meta.id}","type":"message","status":"in_progress","role":"assistant","content":[]}`) +
        event('response.content_part.added', `"sequence_number":${this.n()},"item_id":"msg_${this.meta.id}","output_index":${index},"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}`);
      this.open = 'content';
      this.contentMid = `,"item_id":"msg_${this.meta.id}","output_index":${index},"content_index":0,"delta":"`;
    }
    this.content.push(fragment);
    return `${head}event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${this.n()}${this.contentMid}${fragment}","logprobs":[]}\n\n`;
  }

  /** A function call: output_item.added (type function_call, name), then function_call_arguments.delta events. */
  toolCallFrame(fragment: string, call: ToolCallInfo): string {
    let head = '';
    const index = this.reasoning.length > 0 ? 1 : 0;
    if (this.open !== 'tool') {
      head = this.closeOpen();
      this.open = 'tool';
      this.call = call;
      head += event('response.output_item.added', `"sequence_number":${this.n()},"output_index":${index},"item":${JSON.stringify(functionCallItem(this.meta, call, '', 'in_progress'))}`);
    }
    this.args.push(fragment);
    return `${head}event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","sequence_number":${this.n()},"item_id":"fc_${this.meta.id}","output_index":${index},"delta":"${fragment}"}\n\n`;
  }

  finishFrame(): string {
    const closed = this.closeOpen();
    this.open = 'none';
    return closed;
  }

  usageFrame(): string {
    return ''; // usage rides in response.completed
  }

  doneFrame(finishReason: string, usage: Usage): string {
    const reasoning = this.reasoning.length > 0 ? JSON.parse(`"${this.reasoning.join('')}"`) as string : null;
    const text = JSON.parse(`"${this.content.join('')}"`) as string;
    const type = finishReason === 'length' ? 'response.incomplete' : 'response.completed';
    const call = this.call === null ? null : { ...this.call, arguments: JSON.parse(`"${this.args.join('')}"`) as string };
    return event(type, `"sequence_number":${this.n()},"response":${JSON.stringify(responseObject(this.meta, reasoning, text, finishReason, usage, call))}`);
  }
}
