// Request routing: path table, body reading, JSON errors. Paths are served with and without the /v1 prefix.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { handleCompletion, type MockContext } from './completion.js';
import { handleEmbeddings } from './embeddings.js';
import { errorBody } from './format.js';
import { messagesRequestAsChat } from './format-messages.js';
import { responsesRequestAsChat } from './format-responses.js';
import { tokenizeResponse } from './logprobs.js';
import { renderMetrics } from './metrics.js';
import { promptText } from './tokens.js';

/** Request bodies above this are refused (413): a guard, not a limit any real prompt reaches. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, payload: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Reads the whole body; resolves null (after answering 413) when it is too large. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        if (!tooLarge) sendJson(res, 413, errorBody('request body too large', 'BadRequestError', 413));
        tooLarge = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

const POST_ROUTES = new Map<string, 'chat' | 'completions' | 'responses' | 'messages' | 'embeddings' | 'tokenize'>([
  ['/chat/completions', 'chat'],
  ['/responses', 'responses'],
  ['/messages', 'messages'],
  ['/completions', 'completions'],
  ['/embeddings', 'embeddings'],
  ['/tokenize', 'tokenize'],
]);

function modelsPayload(ctx: MockContext): string {
  return JSON.stringify({
    object: 'list',
    data: [{ id: ctx.config.model, object: 'model', created: 0, owned_by: 'llmperf', root: ctx.config.model, parent: null, max_model_len: 32768 }],
  });
}

/** The whole request handler; never throws (a handler bug answers 500 instead of killing the server). */
export async function route(ctx: MockContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A request arrives when its headers do; reading the body may take another turn of the event loop.
  const arrivalMs = performance.now();
  if (ctx.config.closeAfterResponse) {
    // llama.cpp's behaviour: keep-alive advertised, yet the connection closes after every response.
    const socket = req.socket;
    res.once('finish', () => socket.end());
  }
  try {
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const path = rawPath.startsWith('/v1/') ? rawPath.slice(3) : rawPath;
    const method = req.method ?? 'GET';

    if (method === 'GET' && path === '/models') return sendJson(res, 200, modelsPayload(ctx));
    if (method === 'GET' && path === '/health') return sendJson(res, 200, '{}');
    if (method === 'GET' && path === '/metrics') {
      const text = renderMetrics(ctx.config, ctx.stats, ctx.totals);
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (method === 'GET' && path === '/debug/send-times') return sendJson(res, 200, JSON.stringify(ctx.sendTimes.snapshot()));
    if (method === 'GET' && path === '/debug/stats') return sendJson(res, 200, JSON.stringify(debugStats(ctx)));

    // vLLM's and SGLang's prefix-cache reset (served at the root, as those servers do). It empties the prefix
    // cache when the simulator keeps one, and counts the call, so `--reset-cache` can be checked against it.
    if (method === 'POST' && (rawPath === '/reset_prefix_cache' || rawPath === '/flush_cache')) {
      req.resume();
      ctx.prefixCache?.reset();
      ctx.stats.cacheResets++;
      return sendJson(res, 200, '{}');
    }
    const kind = POST_ROUTES.get(path);
    if (kind === undefined || method !== 'POST') {
      req.resume();
      return sendJson(res, 404, errorBody(`${method} ${rawPath} is not served by the simulator`, 'NotFoundError', 404));
    }
    const text = await readBody(req, res);
    if (text === null) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return sendJson(res, 400, errorBody(`request body is not valid JSON: ${(err as Error).message}`, 'BadRequestError', 400));
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return sendJson(res, 400, errorBody('request body must be a JSON object', 'BadRequestError', 400));
    }
    const fields = body as Record<string, unknown>;
    if (kind === 'embeddings') return handleEmbeddings(ctx, fields, req, res, arrivalMs);
    if (kind === 'tokenize') return sendJson(res, 200, JSON.stringify(tokenizeResponse(promptText(fields))));
    // Responses and Messages requests are read as the chat request they amount to; only their wire format differs.
    if (kind === 'responses') return handleCompletion(ctx, kind, responsesRequestAsChat(fields), req, res, arrivalMs);
    if (kind === 'messages') return handleCompletion(ctx, kind, messagesRequestAsChat(fields), req, res, arrivalMs);
    handleCompletion(ctx, kind, fields, req, res, arrivalMs);
  } catch (err) {
    if (!res.headersSent) sendJson(res, 500, errorBody(`simulator error: ${(err as Error).message}`, 'InternalServerError', 500));
    else res.destroy();
  }
}

/** GET /debug/stats: the simulator's counters (not its samples), e.g. the truth behind tool_call_valid_rate. */
function debugStats(ctx: MockContext): Record<string, unknown> {
  const { recentBodies: _bodies, arrivalTimesMs: _arrivals, inFlightAtArrival: _inFlight, promptDigests: _digests, ...counters } = ctx.stats.snapshot();
  return counters;
}
