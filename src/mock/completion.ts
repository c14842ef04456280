// POST /v1/chat/completions and /v1/completions: validate the body, decide the response, drive it through the model.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { FrameWriter, DONE_FRAME, errorBody, fullResponse, type ApiKind, type ResponseMeta, type Usage } from './format.js';
import type { MockConfig } from './options.js';
import type { Sequence, Simulation } from './simulation.js';
import type { StatsCollector } from './stats.js';
import { countPromptTokens, hash32, mulberry32, promptText, VOCABULARY } from './tokens.js';

/** What the HTTP side shares with every handler. */
export interface MockContext {
  config: MockConfig;
  sim: Simulation;
  stats: StatsCollector;
  /** Numbers responses (chatcmpl-<n>), in arrival order. */
  nextId: number;
}

/** The length decision for one request, exported so tests compute the same answer. */
export interface OutputPlan {
  tokens: number;
  finishReason: 'stop' | 'length';
}

function optionalInt(body: Record<string, unknown>, key: string): number | undefined | string {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${key} must be a non-negative integer`;
  return v;
}

/**
 * How many tokens a request gets. The simulated model "emits EOS" after `outputTokens`:
 *   n = min(outputTokens, max_tokens)                  normally
 *   n = max_tokens (or outputTokens if absent)         with ignore_eos: true
 *   n = max(n, min(min_tokens, max_tokens))            when min_tokens is given
 * finish_reason is "length" when n reached max_tokens, else "stop".
 * `max_completion_tokens` takes precedence over `max_tokens`. Returns an error message for bad values.
 */
export function planOutput(config: Pick<MockConfig, 'outputTokens'>, body: Record<string, unknown>): OutputPlan | string {
  const maxCompletion = optionalInt(body, 'max_completion_tokens');
  const maxTokens = optionalInt(body, 'max_tokens');
  const minTokens = optionalInt(body, 'min_tokens');
  for (const v of [maxCompletion, maxTokens, minTokens]) if (typeof v === 'string') return v;
  const max = (maxCompletion ?? maxTokens) as number | undefined;
  if (max === 0) return 'max_tokens must be at least 1';
  const cap = max ?? Infinity;
  let n = body.ignore_eos === true ? (max ?? config.outputTokens) : Math.min(config.outputTokens, cap);
  if (typeof minTokens === 'number') n = Math.max(n, Math.min(minTokens, cap));
  return { tokens: n, finishReason: max !== undefined && n >= max ? 'length' : 'stop' };
}

function sendError(res: ServerResponse, status: number, message: string, type: string): void {
  const payload = errorBody(message, type, status);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Ends the response; in llama.cpp mode also closes the connection although keep-alive was advertised. */
function endResponse(ctx: MockContext, res: ServerResponse, data: string): void {
  const socket = res.socket;
  if (ctx.config.closeAfterResponse && socket) res.end(data, () => socket.end());
  else res.end(data);
}

export function handleCompletion(ctx: MockContext, kind: ApiKind, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
  const arrivalMs = performance.now();
  ctx.stats.arrived(arrivalMs, body);
  if (body.ignore_eos === true) ctx.stats.ignoreEosRequests++;
  if (body.min_tokens !== undefined && body.min_tokens !== null) ctx.stats.minTokensRequests++;
  let ended = false;
  const endStats = (outcome: 'completed' | 'cancelled' | 'rejected') => {
    if (ended) return;
    ended = true;
    ctx.stats.ended(outcome);
  };

  const invalid =
    kind === 'chat'
      ? !Array.isArray(body.messages) || body.messages.length === 0
        ? 'messages must be a non-empty array'
        : null
      : body.prompt === undefined || body.prompt === null
        ? 'prompt is required'
        : null;
  const plan = invalid ?? planOutput(ctx.config, body);
  if (typeof plan === 'string') {
    sendError(res, 400, plan, 'BadRequestError');
    endStats('rejected');
    return;
  }

  const seqNo = ctx.nextId++;
  const streamOpts = body.stream_options as { include_usage?: unknown } | undefined;
  const meta: ResponseMeta = {
    kind,
    id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${seqNo.toString(16).padStart(8, '0')}`,
    created: Math.floor(Date.now() / 1000),
    model: ctx.config.model,
    includeUsage: body.stream === true && streamOpts?.include_usage === true,
  };
  const promptTokens = countPromptTokens(body);
  // Seeded by the prompt, not arrival order: the same prompt gets the same text however requests interleave.
  const rand = mulberry32(hash32(promptText(body), ctx.config.seed));
  const streaming = body.stream === true;
  const frames = streaming ? new FrameWriter(meta) : null;
  const parts: string[] = [];
  const usage = (): Usage => ({ prompt_tokens: promptTokens, completion_tokens: plan.tokens, total_tokens: promptTokens + plan.tokens });

  const seq: Sequence = {
    totalTokens: plan.tokens,
    emitted: 0,
    state: 0,
    admittedMs: 0,
    dueMs: 0,
    timerSeq: 0,
    writeToken(index) {
      const word = VOCABULARY[Math.floor(rand() * VOCABULARY.length)]!;
      if (frames === null) {
        parts.push(word);
        return;
      }
      if (index === 0) res.write(frames.roleFrame() + frames.contentFrame(word));
      else res.write(frames.contentFrame(word));
    },
    finish() {
      endStats('completed');
      if (frames === null) {
        const payload = JSON.stringify(fullResponse(meta, parts.join(''), null, plan.finishReason, usage()));
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
        endResponse(ctx, res, payload);
        return;
      }
      let tail = frames.finishFrame(plan.finishReason);
      if (meta.includeUsage) tail += frames.usageFrame(usage());
      endResponse(ctx, res, tail + DONE_FRAME);
    },
  };

  res.on('close', () => {
    if (!ended) {
      endStats('cancelled');
      ctx.sim.cancel(seq, performance.now());
    }
  });
  if (streaming) {
    // Headers go out at once, as vLLM's streaming response does; tokens follow on the model's schedule.
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
  }
  void req;
  ctx.sim.submit(seq, arrivalMs);
}
