// Wire formats: SSE frames and full response objects exactly as vLLM / OpenAI send them.
//
// Streams build each frame's fixed head and tail once per request, so writing a token is one string
// concatenation and one res.write.

export type ApiKind = 'chat' | 'completions' | 'responses' | 'messages';

/** The frames of one streamed response, whatever its API: the completion handler drives any of them the same way. */
export interface StreamFrames {
  /** What goes out before the first token (chat: the role chunk; Responses: created; Messages: message_start). */
  roleFrame(): string;
  /** One content event; `fragment` is already JSON-escaped; `tokens` it carries (1 unless speculative decoding). */
  contentFrame(fragment: string, tokens?: number): string;
  reasoningFrame(fragment: string, tokens?: number): string;
  /** One fragment of a tool call's arguments (already JSON-escaped); the first one also opens the call (id, name). */
  toolCallFrame(fragment: string, call: ToolCallInfo, tokens?: number): string;
  /** The end of the output (finish reason; Messages: message_delta with output usage). */
  finishFrame(finishReason: string, usage: Usage): string;
  /** The separate usage frame (chat and completions with include_usage); '' where usage rides elsewhere. */
  usageFrame(usage: Usage): string;
  /** The clean end of the stream: `data: [DONE]`, `response.completed` (with usage), `message_stop`. */
  doneFrame(finishReason: string, usage: Usage): string;
}

/** The one tool call a simulated response makes. */
export interface ToolCallInfo {
  id: string;
  name: string;
}

/** Per-response identity shared by every frame of it. */
export interface ResponseMeta {
  kind: ApiKind;
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  includeUsage: boolean;
  /** vLLM's stream_options.continuous_usage_stats: cumulative usage in every chunk; the prompt's token count. */
  continuousUsagePromptTokens?: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

export const DONE_FRAME = 'data: [DONE]\n\n';

/** JSON string body without the quotes (what goes between "..." in a frame). */
export function jsonFragment(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Precomputed frame pieces of one streamed response. */
export class FrameWriter implements StreamFrames {
  private readonly head: string;
  private readonly contentHead: string;
  private readonly reasoningHead: string;
  private readonly tail: string;
  /** The tail before its usage field (continuous usage builds that field per token). */
  private readonly tailOpen: string;
  /** Tokens written so far (continuous usage). */
  private emitted = 0;
  /** The tool call's later fragments carry only `arguments` (the first carried id, type and name), as vLLM streams them. */
  private toolHead = '';
  private toolTailOpen = '';
  private toolTail = '';

  constructor(
    private readonly meta: ResponseMeta,
    reasoningField: 'reasoning_content' | 'reasoning' = 'reasoning_content',
  ) {
    const object = meta.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":"${meta.id}","object":"${object}","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":[`;
    const usageNull = meta.includeUsage ? ',"usage":null' : '';
    if (meta.kind === 'chat') {
      this.contentHead = `${this.head}{"index":0,"delta":{"content":"`;
      this.reasoningHead = `${this.head}{"index":0,"delta":{"${reasoningField}":"`;
      this.tailOpen = `"},"logprobs":null,"finish_reason":null}]`;
    } else {
      this.contentHead = `${this.head}{"index":0,"text":"`;
      this.reasoningHead = this.contentHead;
      this.tailOpen = `","logprobs":null,"finish_reason":null}]`;
    }
    this.tail = `${this.tailOpen}${usageNull}}\n\n`;
  }

  /** The role-only chunk vLLM sends before the first token of a chat stream ("" for completions). */
  roleFrame(): string {
    if (this.meta.kind !== 'chat') return '';
    const usageNull = this.meta.includeUsage ? ',"usage":null' : '';
    return `${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;
  }

  /** One content token; `fragment` is already JSON-escaped. */
  contentFrame(fragment: string, tokens = 1): string {
    return this.contentHead + fragment + this.tokenTail(tokens);
  }

  /** The frame's tail: fixed, or with the cumulative usage after its tokens when continuous usage was asked for. */
  private tokenTail(tokens = 1, open = this.tailOpen, tail = this.tail): string {
    const prompt = this.meta.continuousUsagePromptTokens;
    if (prompt === undefined) return tail;
    const completion = (this.emitted += tokens);
    return `${open},"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + completion},"completion_tokens":${completion}}}\n\n`;
  }

  /** One tool-call fragment (chat): delta.tool_calls[0] with id, type and name first, then `function.arguments` pieces. */
  toolCallFrame(fragment: string, call: ToolCallInfo, tokens = 1): string {
    if (this.toolHead === '') {
      // Closes arguments, function, the call, tool_calls and delta, then the choice as every token's tail does.
      this.toolTailOpen = `"}}]}${this.tailOpen.slice(2)}`;
      this.toolTail = `${this.toolTailOpen}${this.meta.includeUsage ? ',"usage":null' : ''}}\n\n`;
      this.toolHead = `${this.head}{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"`;
      const first = `${this.head}{"index":0,"delta":{"tool_calls":[{"index":0,"id":"${call.id}","type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":"`;
      return first + fragment + this.tokenTail(tokens, this.toolTailOpen, this.toolTail);
    }
    return this.toolHead + fragment + this.tokenTail(tokens, this.toolTailOpen, this.toolTail);
  }

  /** One reasoning token (chat: delta.reasoning_content). */
  reasoningFrame(fragment: string, tokens = 1): string {
    return this.reasoningHead + fragment + this.tokenTail(tokens);
  }

  /** The closing chunk: empty delta (chat) or empty text (completions) with the finish reason. */
  finishFrame(finishReason: string): string {
    const usageNull = this.meta.includeUsage ? ',"usage":null' : '';
    const choice =
      this.meta.kind === 'chat'
        ? `{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishReason}","stop_reason":null}`
        : `{"index":0,"text":"","logprobs":null,"finish_reason":"${finishReason}","stop_reason":null}`;
    return `${this.head}${choice}]${usageNull}}\n\n`;
  }

  doneFrame(): string {
    return DONE_FRAME;
  }

  /** The usage chunk sent when stream_options.include_usage is true: empty choices, then usage. */
  usageFrame(usage: Usage): string {
    return `${this.head}],"usage":${JSON.stringify(usage)}}\n\n`;
  }
}

/** Optional parts of a full response. */
export interface FullResponseExtras {
  reasoningText?: string | null;
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** completions: the legacy logprobs object. */
  logprobs?: unknown;
  /** chat: the answer is this tool call (message.content null, tool_calls with the arguments text). */
  toolCall?: (ToolCallInfo & { arguments: string }) | null;
}

/** A complete non-streamed response object. */
export function fullResponse(meta: ResponseMeta, text: string, finishReason: string, usage: Usage, extras: FullResponseExtras = {}): unknown {
  if (meta.kind === 'chat') {
    const message: Record<string, unknown> = { role: 'assistant', content: text };
    if (extras.reasoningText != null) message[extras.reasoningField ?? 'reasoning_content'] = extras.reasoningText;
    const call = extras.toolCall;
    if (call) {
      message.content = null;
      message.tool_calls = [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }];
    }
    return {
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: meta.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason, stop_reason: null }],
      usage,
    };
  }
  return {
    id: meta.id,
    object: 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, text, logprobs: extras.logprobs ?? null, finish_reason: finishReason, stop_reason: null }],
    usage,
  };
}

/** An OpenAI-style error body. */
export function errorBody(message: string, type: string, code: number | string | null = null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}
