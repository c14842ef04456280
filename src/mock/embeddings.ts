// POST /v1/embeddings: deterministic unit vectors per input text, after the model's prefill time in a slot.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sendJsonError, type MockContext } from './completion.js';
import type { Sequence } from './simulation.js';
import { countTokens, hash32, mulberry32 } from './tokens.js';

/** A unit vector seeded by the text: the same text always embeds the same way. */
export function embedText(text: string, dim: number, seed: number): number[] {
  const rand = mulberry32(hash32(`embed:${text}`, seed));
  const v = Array.from({ length: dim }, () => rand() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** The inputs as texts (token-id inputs become their ids joined), or an error message. */
function inputs(input: unknown): { texts: string[]; tokens: number } | string {
  const asList = Array.isArray(input) && input.length > 0 && !input.every((x) => typeof x === 'number') ? input : [input];
  const texts: string[] = [];
  let tokens = 0;
  for (const item of asList) {
    if (typeof item === 'string') {
      texts.push(item);
      tokens += countTokens(item);
    } else if (Array.isArray(item) && item.every((x) => typeof x === 'number')) {
      texts.push(item.join(' '));
      tokens += item.length;
    } else return 'input must be a string, a list of strings, or token ids';
  }
  return texts.length === 0 ? 'input must not be empty' : { texts, tokens };
}

function base64Floats(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString('base64');
}

export function handleEmbeddings(ctx: MockContext, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse, arrivalMs = performance.now()): void {
  ctx.stats.arrived(arrivalMs, body, Number(req.headers['content-length'] ?? 0));
  const parsed = inputs(body.input);
  const dim = body.dimensions ?? ctx.config.embeddingDim;
  if (typeof parsed === 'string' || typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > 65536) {
    sendJsonError(res, 400, typeof parsed === 'string' ? parsed : 'dimensions must be an integer between 1 and 65536');
    ctx.stats.ended('rejected');
    return;
  }
  ctx.totals.promptTokens += parsed.tokens;
  let ended = false;
  const seq: Sequence = {
    totalTokens: 0,
    emitted: 0,
    state: 0,
    admittedMs: 0,
    dueMs: 0,
    timerSeq: 0,
    writeToken() {},
    finish() {
      ended = true;
      ctx.stats.ended('completed');
      ctx.totals.requestsSucceeded++;
      const base64 = body.encoding_format === 'base64';
      const payload = JSON.stringify({
        object: 'list',
        data: parsed.texts.map((t, index) => {
          const v = embedText(t, dim, ctx.config.seed);
          return { object: 'embedding', index, embedding: base64 ? base64Floats(v) : v };
        }),
        model: ctx.config.model,
        usage: { prompt_tokens: parsed.tokens, total_tokens: parsed.tokens },
      });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
    },
  };
  res.on('close', () => {
    if (ended) return;
    ended = true;
    ctx.stats.ended('cancelled');
    ctx.sim.cancel(seq, performance.now());
  });
  ctx.sim.submit(seq, arrivalMs);
}
