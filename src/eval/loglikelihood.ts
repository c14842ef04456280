// Log-likelihood of a continuation over /v1/completions (echo + logprobs), as lm-evaluation-harness does it.
import { request } from 'undici';
import type { Job, Target } from '../engine/jobs.js';

/** Per-token log-probabilities of the echoed prompt (and the one generated token), in either response shape. */
export interface TokenLogprobs {
  tokens: string[];
  logprobs: Array<number | null>;
  /** Character offset of each token in the echoed text, when the server gave them (legacy shape). */
  offsets: number[] | null;
}

export interface ContinuationScore {
  /** Sum of the continuation tokens' natural-log probabilities. */
  logprob: number;
  tokens: number;
}

/** The request lm-evaluation-harness sends: context + continuation echoed back with log-probabilities. */
export function loglikelihoodJob(context: string, continuation: string): Job {
  return { api: 'completions', body: { prompt: context + continuation, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 }, stream: false };
}

/**
 * Reads `choices[0].logprobs` in the legacy completions shape (`tokens`, `token_logprobs`, `text_offset`, as
 * vLLM returns) or the chat shape (`content: [{token, logprob}]`, as llama.cpp's server returns even on
 * /v1/completions). Null when the response has no log-probabilities.
 */
export function parseLogprobs(response: unknown): TokenLogprobs | null {
  const choice = (response as { choices?: Array<{ logprobs?: unknown }> } | null)?.choices?.[0];
  const lp = choice?.logprobs as Record<string, unknown> | null | undefined;
  if (!lp || typeof lp !== 'object') return null;
  if (Array.isArray(lp.tokens) && Array.isArray(lp.token_logprobs)) {
    const offsets = Array.isArray(lp.text_offset) && lp.text_offset.length === lp.tokens.length ? (lp.text_offset as number[]) : null;
    return { tokens: lp.tokens.map(String), logprobs: lp.token_logprobs.map((v) => (typeof v === 'number' ? v : null)), offsets };
  }
  if (Array.isArray(lp.content)) {
    const content = lp.content as Array<{ token?: unknown; logprob?: unknown }>;
    return { tokens: content.map((c) => String(c.token ?? '')), logprobs: content.map((c) => (typeof c.logprob === 'number' ? c.logprob : null)), offsets: null };
  }
  return null;
}

/** The units servers count `text_offset` in: UTF-16 code units (JavaScript), code points (Python), UTF-8 bytes. */
export type OffsetUnit = 'utf16' | 'codepoint' | 'byte';

/** Length of a token or text in `unit`; `bytes:\\xNN...` tokens (OpenAI/vLLM partial characters) count their bytes. */
function lengthIn(unit: OffsetUnit, text: string): number {
  if (text.startsWith('bytes:')) {
    const bytes = (text.match(/\\x[0-9a-fA-F]{2}/g) ?? []).length;
    if (unit === 'byte') return bytes;
  }
  if (unit === 'utf16') return text.length;
  if (unit === 'codepoint') return [...text].length;
  return Buffer.byteLength(text, 'utf8');
}

/** A token that stands for part of a character: its text says nothing about the character count. */
const partial = (token: string): boolean => token.startsWith('bytes:') || token.includes('\ufffd');

/** Offsets rebuilt from the token texts, when they spell the prompt exactly (UTF-16, JavaScript's own unit). */
function offsetsFromTokens(parsed: TokenLogprobs, prompt: string): number[] | null {
  if (!parsed.tokens.join('').startsWith(prompt)) return null;
  const offsets: number[] = [];
  let at = 0;
  for (const token of parsed.tokens) {
    offsets.push(at);
    at += token.length;
  }
  return offsets;
}

/**
 * Which unit the server's `text_offset` counts in. The generated token (the last one) starts where the
 * prompt ends, so its offset is the prompt's length in that unit; failing that (no generated token), the
 * unit under which most whole-character tokens' offsets advance by their own length. ASCII text fits all.
 */
export function detectOffsetUnit(parsed: TokenLogprobs, prompt: string): OffsetUnit | null {
  const offsets = parsed.offsets;
  if (!offsets || offsets.length === 0) return null;
  const units: OffsetUnit[] = ['utf16', 'codepoint', 'byte'];
  const last = offsets[offsets.length - 1]!;
  const byEnd = units.find((u) => lengthIn(u, prompt) === last);
  if (byEnd) return byEnd;
  let best: OffsetUnit | null = null;
  let bestFits = -1;
  for (const unit of units) {
    let fits = 0;
    for (let i = 0; i + 1 < offsets.length; i++) if (!partial(parsed.tokens[i]!) && offsets[i + 1]! - offsets[i]! === lengthIn(unit, parsed.tokens[i]!)) fits++;
    if (fits > bestFits) [best, bestFits] = [unit, fits];
  }
  return best;
}

/**
 * The continuation's log-probability: the tokens of the echoed prompt whose span reaches past the end of
 * the context. The boundary comes from the token texts when they spell the prompt; else from the server's
 * `text_offset` read in the unit it uses (code points, UTF-16 or bytes: see `detectOffsetUnit`), so an
 * emoji in the prompt does not shift it; else from a context token count (the server's /tokenize).
 * Tokens that start at or after the prompt's end (the one generated token) are not counted. Null when
 * the echo is missing.
 */
export function continuationLogprob(parsed: TokenLogprobs, prompt: string, contextLength: number, contextTokenCount?: number): ContinuationScore | null {
  const context = prompt.slice(0, contextLength);
  const fromText = offsetsFromTokens(parsed, prompt);
  const unit: OffsetUnit | null = fromText ? 'utf16' : detectOffsetUnit(parsed, prompt);
  const offsets = fromText ?? (unit ? parsed.offsets : null);
  let logprob = 0;
  let tokens = 0;
  if (offsets && unit) {
    const promptEnd = lengthIn(unit, prompt);
    const contextEnd = lengthIn(unit, context);
    for (let i = 0; i < parsed.tokens.length; i++) {
      const start = offsets[i]!;
      const end = i + 1 < offsets.length ? offsets[i + 1]! : start + lengthIn(unit, parsed.tokens[i]!);
      if (start >= promptEnd) break;
      if (end <= contextEnd) continue;
      const lp = parsed.logprobs[i];
      if (lp === null || lp === undefined) return null;
      logprob += lp;
      tokens++;
    }
    return tokens > 0 ? { logprob, tokens } : null;
  }
  if (contextTokenCount === undefined) return null;
  // Without offsets: the prompt is every token but the generated one.
  for (let i = contextTokenCount; i < parsed.tokens.length - 1; i++) {
    const lp = parsed.logprobs[i];
    if (lp === null || lp === undefined) return null;
    logprob += lp;
    tokens++;
  }
  return tokens > 0 ? { logprob, tokens } : null;
}

/**
 * Token count of `text` from the server's /tokenize (vLLM: `{model, prompt}` -> `{count, tokens}`;
 * llama.cpp: `{content}` -> `{tokens}`); null when the server has no such endpoint.
 */
export async function serverTokenCount(target: Target, text: string): Promise<number | null> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(target.headers ?? {}) };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  for (const body of [{ model: target.model, prompt: text }, { content: text }]) {
    try {
      const res = await request(`${target.baseUrl}/tokenize`, { method: 'POST', headers, body: JSON.stringify(body), headersTimeout: 30_000, bodyTimeout: 30_000 });
      const json = (await res.body.json().catch(() => null)) as { count?: unknown; tokens?: unknown } | null;
      if (res.statusCode !== 200 || !json) continue;
      if (typeof json.count === 'number') return json.count;
      if (Array.isArray(json.tokens)) return json.tokens.length;
    } catch {
      return null;
    }
  }
  return null;
}
