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

/** Offsets rebuilt by concatenating token strings; null when they do not spell the prompt (byte-level tokens). */
function offsetsFromTokens(parsed: TokenLogprobs, prompt: string): number[] | null {
  const offsets: number[] = [];
  let at = 0;
  for (const token of parsed.tokens) {
    offsets.push(at);
    at += token.length;
  }
  return parsed.tokens.join('').startsWith(prompt) ? offsets : null;
}

/**
 * The continuation's log-probability: the tokens of the echoed prompt whose span reaches past the end of
 * the context. The boundary comes from character offsets (the server's `text_offset`, or offsets rebuilt
 * from token strings), or else from a context token count (the server's /tokenize). Tokens that start at
 * or after the prompt's end (the one generated token) are not counted. Null when the echo is missing.
 */
export function continuationLogprob(parsed: TokenLogprobs, prompt: string, contextLength: number, contextTokenCount?: number): ContinuationScore | null {
  const offsets = parsed.offsets ?? offsetsFromTokens(parsed, prompt);
  let logprob = 0;
  let tokens = 0;
  if (offsets) {
    for (let i = 0; i < parsed.tokens.length; i++) {
      const start = offsets[i]!;
      const end = i + 1 < offsets.length ? offsets[i + 1]! : start + parsed.tokens[i]!.length;
      if (start >= prompt.length) break;
      if (end <= contextLength) continue;
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
