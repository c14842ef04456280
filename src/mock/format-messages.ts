// Wire format of the Anthropic Messages API (POST /v1/messages): typed SSE events and whole message objects.
import type { ResponseMeta, StreamFrames, ToolCallInfo, Usage } from './format.js';

/** The top-level `system` prompt back into the chat messages the simulator's model reads. */
export function messagesRequestAsChat(body: Record<string, unknown>): Record<string, unknown> {
  const messages = Array.isArray(body.messages) ? [...(body.messages as unknown[])] : body.messages;
  const system = body.system;
  if (Array.isArray(messages) && (typeof system === 'string' || Array.isArray(system))) messages.unshift({ role: 'system', content: system });
  return { ...body, messages, stream_options: undefined };
}

/** stop_reason for the simulator's finish: its EOS is end_turn, its max_tokens cut is max_tokens. */
const stopReason = (finishReason: string): string => (finishReason === 'length' ? 'max_tokens' : finishReason === 'tool_calls' ? 'tool_use' : 'end_turn');

/** A tool_use block's input: the parsed arguments (Anthropic sends an object); text that is not JSON is passed as it is. */
function toolInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

export function fullMessagesBody(meta: ResponseMeta, reasoning: string | null, text: string, finishReason: string, usage: Usage, toolCall: (ToolCallInfo & { arguments: string }) | null = null): unknown {
  const content: unknown[] = [];
  if (reasoning !== null) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (toolCall !== null) content.push({ type: 'tool_use', id: toolCall.id, name: toolCall.name, input: toolInput(toolCall.arguments) });
  else content.push({ type: 'text', text });
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content,
    stop_reason: stopReason(finishReason),
    stop_sequence: null,
    usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
  };
}

const event = (type: string, payload: string): string => `event: ${type}\ndata: {"type":"${type}"${payload === '' ? '' : ','}${payload}}\n\n`;

/**
 * Events as Anthropic sends them: message_start (input usage), a ping, then per content block (thinking for
 * reasoning, then text) content_block_start / content_block_delta... / content_block_stop, then message_delta
 * (stop_reason, output usage) and message_stop.
 */
export class MessagesFrames implements StreamFrames {
  private open: 'none' | 'thinking' | 'text' | 'tool_use' = 'none';
  private block = -1;
  /** Fixed head of a delta event for the open block, built once per block. */
  private deltaHead = '';

  constructor(
    private readonly meta: ResponseMeta,
    private readonly promptTokens: number,
  ) {}

  roleFrame(): string {
    const message = {
      id: this.meta.id,
      type: 'message',
      role: 'assistant',
      model: this.meta.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: this.promptTokens, output_tokens: 1 },
    };
    return event('message_start', `"message":${JSON.stringify(message)}`) + event('ping', '');
  }

  private switchTo(kind: 'thinking' | 'text' | 'tool_use', call: ToolCallInfo | null = null): string {
    let out = this.open === 'none' ? '' : event('content_block_stop', `"index":${this.block}`);
    this.block++;
    this.open = kind;
    const start =
      kind === 'thinking' ? '{"type":"thinking","thinking":"","signature":""}'
        : kind === 'text' ? '{"type":"text","text":""}'
          : JSON.stringify({ type: 'tool_use', id: call?.id, name: call?.name, input: {} });
    out += event('content_block_start', `"index":${this.block},"content_block":${start}`);
    // A tool_use block's input streams as input_json_delta partial_json pieces.
    const [type, field] = kind === 'tool_use' ? ['input_json', 'partial_json'] : [kind, kind];
    this.deltaHead = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${this.block},"delta":{"type":"${type}_delta","${field}":"`;
    return out;
  }

  toolCallFrame(fragment: string, call: ToolCallInfo): string {
    const head = this.open === 'tool_use' ? '' : this.switchTo('tool_use', call);
    return `${head}${this.deltaHead}${fragment}"}}\n\n`;
  }

  reasoningFrame(fragment: string): string {
    const head = this.open === 'thinking' ? '' : this.switchTo('thinking');
    return `${head}${this.deltaHead}${fragment}"}}\n\n`;
  }

  contentFrame(fragment: string): string {
    const head = this.open === 'text' ? '' : this.switchTo('text');
    return `${head}${this.deltaHead}${fragment}"}}\n\n`;
  }

  finishFrame(finishReason: string, usage: Usage): string {
    const stop = this.open === 'none' ? '' : event('content_block_stop', `"index":${this.block}`);
    this.open = 'none';
    return stop + event('message_delta', `"delta":{"stop_reason":"${stopReason(finishReason)}","stop_sequence":null},"usage":{"output_tokens":${usage.completion_tokens}}`);
  }

  usageFrame(): string {
    return ''; // usage rides in message_start and message_delta
  }

  doneFrame(): string {
    return event('message_stop', '');
  }
}
