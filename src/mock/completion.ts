// POST /v1/chat/completions and /v1/completions: validate, decide the reply, drive it through the model.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { scriptedReply } from './content.js';
import { structuredReply, type StructuredReply } from './structured.js';
import { pickFault, type FaultEnv, type FaultWrite } from './faults/index.js';
import { FrameWriter, fullResponse, jsonFragment, type ApiKind, type ResponseMeta, type StreamFrames, type Usage } from './format.js';
import { fullMessagesBody, MessagesFrames } from './format-messages.js';
import { fullResponsesBody, ResponsesFrames } from './format-responses.js';
import { echoLogprobs } from './logprobs.js';
import type { MetricTotals } from './metrics.js';
import type { MockConfig } from './options.js';
import { planOutput } from './plan.js';
import { prefillMs, type PrefixCache } from './prefix-cache.js';
import { readRequestImages } from './images.js';
import type { SendTimes } from './send-times.js';
import { SpecDrafter } from './speculative.js';
import type { Sequence, Simulation } from './simulation.js';
import type { StatsCollector } from './stats.js';
import { countPromptTokens, hash32, mulberry32, promptText, tokenizeSimple, VOCABULARY } from './tokens.js';

/** What the HTTP side shares with every handler. */
export interface MockContext {
  config: MockConfig;
  sim: Simulation;
  stats: StatsCollector;
  sendTimes: SendTimes;
  totals: MetricTotals;
  /** The prefix cache (null: the simulator has none, and reports no cached_tokens). */
  prefixCache?: PrefixCache | null;
  /** Numbers responses (chatcmpl-<n>) in arrival order; also the fault draw's index. */
  nextId: number;
  /** Numbers tool-call and json_schema replies in arrival order: the seeded invalid-output draw's index. */
  structuredCount?: number;
}

export function sendJsonError(res: ServerResponse, status: number, message: string): void {
  const payload = JSON.stringify({ error: { message, type: 'BadRequestError', param: null, code: status } });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}


/** A TCP reset where the platform offers it (RST, as a crashed proxy gives), else a plain destroy. */
function resetConnection(res: ServerResponse): void {
  const socket = res.socket as (ServerResponse['socket'] & { resetAndDestroy?: () => void }) | null;
  if (socket?.resetAndDestroy) socket.resetAndDestroy();
  else socket?.destroy();
}

/**
 * Writes now. node:http corks the socket on every res.write and uncorks on the next tick, which would
 * send a whole timer batch (up to thousands of tokens) only after the batch and make every recorded
 * send time early; uncorking at once puts each token on the wire when its time is taken.
 */
function writeNow(res: ServerResponse, data: string | Buffer): void {
  res.write(data);
  const socket = res.socket;
  if (socket && socket.writableCorked > 0) socket.uncork();
}

/** Response id prefixes as each API spells them. */
const ID_PREFIX: Record<ApiKind, string> = { chat: 'chatcmpl', completions: 'cmpl', responses: 'resp', messages: 'msg' };

/** The stream frames of an API kind (Responses and Messages also need the prompt's token count up front). */
function framesFor(meta: ResponseMeta, reasoningField: 'reasoning_content' | 'reasoning', promptTokens: number): StreamFrames {
  if (meta.kind === 'responses') return new ResponsesFrames(meta);
  if (meta.kind === 'messages') return new MessagesFrames(meta, promptTokens);
  return new FrameWriter(meta, reasoningField);
}

function validate(kind: ApiKind, body: Record<string, unknown>): string | null {
  if (kind !== 'completions') return Array.isArray(body.messages) && body.messages.length > 0 ? null : 'messages must be a non-empty array';
  return body.prompt === undefined || body.prompt === null ? 'prompt is required' : null;
}

export function handleCompletion(ctx: MockContext, kind: ApiKind, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse, arrivalMs = performance.now()): void {
  const { config, stats, sim } = ctx;
  stats.arrived(arrivalMs, body, Number(req.headers['content-length'] ?? 0));
  stats.promptSeen(promptText(body));
  if (body.ignore_eos === true) stats.ignoreEosRequests++;
  if (body.min_tokens !== undefined && body.min_tokens !== null) stats.minTokensRequests++;
  let ended = false;
  const endStats = (outcome: 'completed' | 'cancelled' | 'rejected') => {
    if (ended) return;
    ended = true;
    stats.ended(outcome);
  };
  let seq: Sequence | null = null;
  res.on('close', () => {
    if (ended) return;
    endStats('cancelled');
    if (seq) sim.cancel(seq, performance.now());
  });

  // Echo scoring (log-likelihood evals) asks for no new tokens at all.
  const echo = kind === 'completions' && body.echo === true;
  const scripted = scriptedReply(config, body);
  // Tools or a json_schema response format: the reply is JSON built from the schema, streamed token by token like text.
  const structured = scripted === null && kind !== 'completions' ? nextStructured(ctx, body) : null;
  const replyText = scripted ?? structured?.text ?? null;
  const scriptedTokens = replyText === null ? null : tokenizeSimple(replyText).map((t) => t.text);
  const toolCall = structured?.kind === 'tool' ? { id: structured.callId!, name: structured.name! } : null;
  const images = readRequestImages(body);
  const plan = validate(kind, body) ?? (typeof images === 'string' ? images : null) ?? planOutput(config, body, { allowZero: echo, scriptedTokens: scriptedTokens?.length });
  if (typeof plan === 'string') {
    sendJsonError(res, 400, plan);
    endStats('rejected');
    return;
  }

  const requestNo = ctx.nextId++;
  // A finished tool call ends with finish_reason tool_calls (Responses: completed; Messages: stop_reason tool_use).
  const finishReason = toolCall !== null && plan.finishReason === 'stop' ? 'tool_calls' : plan.finishReason;
  const streaming = body.stream === true;
  const picked = pickFault(config.faults, config.seed, requestNo);
  const fault = picked?.fault ?? null;
  const env: FaultEnv = { res, streaming, rand: picked?.rand ?? Math.random, slowHeadersMs: config.slowHeadersMs };
  if (fault) stats.faultInjected(fault.kind);
  if (fault?.takeOver?.(env)) {
    // Error answers end now; a response that never starts stays in flight until the client gives up.
    if (res.writableEnded) endStats('rejected');
    return;
  }

  const streamOpts = body.stream_options as { include_usage?: unknown; continuous_usage_stats?: unknown } | undefined;
  const meta: ResponseMeta = {
    kind,
    id: `${ID_PREFIX[kind]}-${requestNo.toString(16).padStart(8, '0')}`,
    created: Math.floor(Date.now() / 1000),
    model: config.model,
    // Responses and Messages always carry usage, in their own end events.
    includeUsage: streaming && (kind === 'chat' || kind === 'completions') && streamOpts?.include_usage === true,
  };
  // Image tokens count as prompt tokens, as vision servers report them (images.ts states the rule).
  const imageTokens = stats.imagesSeen(images as Exclude<typeof images, string>);
  const promptTokens = countPromptTokens(body) + imageTokens;
  const chatLike = kind === 'chat' || kind === 'completions';
  if (streaming && chatLike && streamOpts?.continuous_usage_stats === true) meta.continuousUsagePromptTokens = promptTokens;
  ctx.totals.promptTokens += promptTokens;
  const cachedTokens = ctx.prefixCache ? ctx.prefixCache.lookup(promptText(body), promptTokens) : -1;
  const reasoningTokens = kind !== 'completions' && scripted === null ? config.reasoningTokens : 0;
  const totalTokens = reasoningTokens + plan.tokens;
  // Seeded by the prompt, not arrival order: the same prompt gets the same text however requests interleave.
  const rand = mulberry32(hash32(promptText(body), config.seed));
  const frames = streaming ? framesFor(meta, config.reasoningField, promptTokens) : null;
  const reasoningParts: string[] = [];
  const parts: string[] = [];
  const usage = (): Usage => ({
    prompt_tokens: promptTokens,
    completion_tokens: totalTokens,
    total_tokens: promptTokens + totalTokens,
    ...(reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } } : {}),
    ...(cachedTokens >= 0 ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
  });
  const record = config.recordSendTimes ? ctx.sendTimes.start(meta.id, (req.headers['x-request-id'] as string | undefined) ?? null, arrivalMs) : null;

  /** Writes bytes a fault may have replaced; false when the fault ended the response here. */
  const writeOrFault = (w: FaultWrite, nowMs: number): boolean => {
    if (w === 'reset' || w === 'stall') {
      if (w === 'reset') resetConnection(res);
      if (seq) sim.cancel(seq, nowMs);
      return false;
    }
    writeNow(res, w);
    return true;
  };

  /** Token `i`'s text: a generated word (reasoning, or no script), else the script's next token. Called in order. */
  const tokenText = (i: number): string =>
    i < reasoningTokens || scriptedTokens === null ? VOCABULARY[Math.floor(rand() * VOCABULARY.length)]! : scriptedTokens[i - reasoningTokens]!;
  const drafter = config.specTokens > 0 && ctx.totals.spec ? new SpecDrafter(config.specTokens, config.specAccept, config.seed, requestNo, ctx.totals.spec) : null;

  seq = {
    totalTokens,
    emitted: 0,
    state: 0,
    admittedMs: 0,
    dueMs: 0,
    timerSeq: 0,
    ...(cachedTokens > 0 || imageTokens > 0 ? { prefillMs: prefillMs(config.ttftMs, promptTokens, Math.max(0, cachedTokens)) + imageTokens * config.imageTokenMs } : {}),
    writeToken(index, nowMs, count = 1) {
      if (frames === null) {
        for (let i = index; i < index + count; i++) (i < reasoningTokens ? reasoningParts : parts).push(tokenText(i));
        ctx.totals.generationTokens += count;
        return;
      }
      // The opening events first: Responses and Messages number and order their events.
      let frame = index === 0 ? frames.roleFrame() : '';
      // A speculative step's tokens share one event (two when the step crosses from reasoning into the answer).
      for (let i = index; i < index + count; ) {
        const reasoning = i < reasoningTokens;
        const end = reasoning ? Math.min(index + count, reasoningTokens) : index + count;
        const from = i;
        let fragment = '';
        for (; i < end; i++) fragment += scriptedTokens === null || reasoning ? tokenText(i) : jsonFragment(tokenText(i));
        frame += reasoning
          ? frames.reasoningFrame(fragment, end - from)
          : toolCall !== null
            ? frames.toolCallFrame(fragment, toolCall, end - from)
            : frames.contentFrame(fragment, end - from);
      }
      if (fault?.onToken) {
        if (!writeOrFault(fault.onToken(index, totalTokens, frame, env), nowMs)) return;
      } else writeNow(res, frame);
      ctx.totals.generationTokens += count;
      if (record) ctx.sendTimes.token(record, performance.now());
    },
    ...(drafter ? { stepTokens: (emitted: number, remaining: number) => drafter.step(emitted, remaining) } : {}),
    finish(nowMs) {
      ctx.totals.requestsSucceeded++;
      // The truth behind tool_call_valid_rate / schema_valid_rate: broken on purpose, or cut short by max_tokens.
      if (structured !== null) countStructured(stats, structured, plan.tokens < (scriptedTokens?.length ?? 0));
      if (frames !== null) {
        const finish = frames.finishFrame(finishReason, usage());
        const usageFrame = meta.includeUsage ? frames.usageFrame(usage()) : '';
        const done = frames.doneFrame(finishReason, usage());
        const tail = fault?.onEnd ? fault.onEnd(finish, usageFrame, done) : finish + usageFrame + done;
        endStats('completed');
        res.end(tail);
        if (record) record.endEpochMs = performance.timeOrigin + performance.now();
        return;
      }
      const text = parts.join('');
      const prompt = promptText(body);
      const wantsLogprobs = kind === 'completions' && body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false;
      const reasoningText = reasoningTokens > 0 ? reasoningParts.join('') : null;
      const call = toolCall === null ? null : { ...toolCall, arguments: text };
      const payload = JSON.stringify(
        kind === 'responses'
          ? fullResponsesBody(meta, reasoningText, text, finishReason, usage(), call)
          : kind === 'messages'
            ? fullMessagesBody(meta, reasoningText, text, finishReason, usage(), call)
            : fullResponse(meta, echo ? prompt + text : text, finishReason, usage(), {
          reasoningText: reasoningTokens > 0 ? reasoningParts.join('') : null,
          reasoningField: config.reasoningField,
          logprobs: wantsLogprobs ? echoLogprobs(config, echo ? prompt : '', text) : null,
          toolCall: call,
        }),
      );
      const body2 = fault?.onBody ? fault.onBody(payload, env) : payload;
      if (body2 === 'reset' || body2 === 'stall') {
        writeOrFault(body2, nowMs);
        return;
      }
      endStats('completed');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body2) });
      res.end(body2);
      if (record) record.headersEpochMs = record.endEpochMs = performance.timeOrigin + performance.now();
    },
  };

  // The model's clock starts at arrival: time lost before submit (a descheduled process) shows up as lag.
  const start = (atMs: number) => {
    if (ended) return;
    if (streaming) {
      // Headers go out at once, as vLLM's streaming response does; tokens follow on the model's schedule.
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      if (record) record.headersEpochMs = performance.timeOrigin + performance.now();
    }
    sim.submit(seq!, atMs);
  };
  const delayMs = fault?.delayMs?.(env) ?? 0;
  if (delayMs > 0) setTimeout(() => start(performance.now()), delayMs).unref();
  else start(arrivalMs);
}

/** The structured reply of a request (tools or a json_schema format), numbered for its seeded invalid-output draw. */
function nextStructured(ctx: MockContext, body: Record<string, unknown>): StructuredReply | null {
  const ordinal = ctx.structuredCount ?? 0;
  // Its own stream of draws, seeded by the prompt: the same prompt gets the same arguments whatever the arrival order.
  const reply = structuredReply(ctx.config, body, mulberry32(hash32(`structured:${promptText(body)}`, ctx.config.seed)), ordinal, ordinal);
  if (reply !== null) ctx.structuredCount = ordinal + 1;
  return reply;
}

function countStructured(stats: StatsCollector, reply: StructuredReply, cut: boolean): void {
  const invalid = reply.corrupted !== null || cut;
  if (reply.kind === 'tool') {
    stats.toolCalls++;
    if (invalid) stats.toolCallsInvalid++;
  } else {
    stats.structuredAnswers++;
    if (invalid) stats.structuredInvalid++;
  }
}
