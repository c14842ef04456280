// Continuation log-probabilities from both response shapes servers return for completions with echo + logprobs.
import { describe, expect, it } from 'vitest';
import { continuationLogprob, detectOffsetUnit, loglikelihoodJob, parseLogprobs } from '../../src/eval/loglikelihood.js';

const context = 'Question: 2+2?\nAnswer:';
const continuation = ' 4';
const prompt = context + continuation;

// Tokens: "Question" ":" " 2" "+" "2" "?" "\n" "Answer" ":" " 4" + generated "\n"
const tokens = ['Question', ':', ' 2', '+', '2', '?', '\n', 'Answer', ':', ' 4', '\n'];
const logprobs = [null, -1, -2, -1, -0.5, -0.3, -0.2, -1.5, -0.1, -0.25, -3];
const offsets: number[] = [];
tokens.reduce((at, t) => (offsets.push(at), at + t.length), 0);

describe('loglikelihood requests', () => {
  it('sends what lm-evaluation-harness sends', () => {
    expect(loglikelihoodJob(context, continuation)).toEqual({
      api: 'completions',
      body: { prompt, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 },
      stream: false,
    });
  });
});

describe('continuationLogprob', () => {
  it('sums the continuation tokens by text_offset (legacy shape), excluding the generated token', () => {
    const response = { choices: [{ text: prompt + '\n', logprobs: { tokens, token_logprobs: logprobs, top_logprobs: [], text_offset: offsets } }] };
    const parsed = parseLogprobs(response)!;
    expect(parsed.offsets).toEqual(offsets);
    expect(continuationLogprob(parsed, prompt, context.length)).toEqual({ logprob: -0.25, tokens: 1 });
  });
  it('reads the chat-style shape (llama.cpp) by rebuilding offsets from token strings', () => {
    const response = { choices: [{ text: '\n', logprobs: { content: tokens.map((token, i) => ({ token, logprob: logprobs[i], top_logprobs: [] })) } }] };
    const parsed = parseLogprobs(response)!;
    expect(parsed.offsets).toBeNull();
    expect(continuationLogprob(parsed, prompt, context.length)).toEqual({ logprob: -0.25, tokens: 1 });
  });
  it('counts a token that straddles the context boundary as continuation', () => {
    // Byte-pair merge across the boundary: ":" + " 4" became one token ": 4".
    const merged = ['Answer', ': 4', '\n'];
    const parsed = { tokens: merged, logprobs: [null, -0.7, -2], offsets: [0, 6, 9] };
    expect(continuationLogprob(parsed, 'Answer: 4', 'Answer:'.length)).toEqual({ logprob: -0.7, tokens: 1 });
  });
  it('falls back to a /tokenize context token count when the token strings do not spell the prompt', () => {
    const byteTokens = ['Q', 'bytes:\\xe2', 'Ans', 'wer', ' 4', '\n'];
    const parsed = { tokens: byteTokens, logprobs: [null, -1, -1, -1, -0.4, -2], offsets: null };
    expect(continuationLogprob(parsed, 'Q… Answer 4', 8)).toBeNull();
    expect(continuationLogprob(parsed, 'Q… Answer 4', 8, 4)).toEqual({ logprob: -0.4, tokens: 1 });
  });
  it('returns null when the server did not echo the prompt', () => {
    expect(parseLogprobs({ choices: [{ text: 'x', logprobs: null }] })).toBeNull();
    const onlyGenerated = { tokens: ['\n'], logprobs: [-1], offsets: [prompt.length] };
    expect(continuationLogprob(onlyGenerated, prompt, context.length)).toBeNull();
  });
});

describe('continuation boundary with characters outside the BMP (emoji) in the prompt', () => {
  // "🙂" is 1 code point, 2 UTF-16 units, 4 UTF-8 bytes. The byte-level tokenizer splits it in two
  // partial tokens that do not spell the prompt, so only the server's text_offset places the boundary.
  const ctx = 'Q: 🙂 or 🙃?\nA:';
  const full = `${ctx} yes`;
  const pieces: Array<{ token: string; lp: number | null; width: Record<'utf16' | 'codepoint' | 'byte', number> }> = [];
  const ascii = (t: string, lp: number | null) => pieces.push({ token: t, lp, width: { utf16: t.length, codepoint: t.length, byte: t.length } });
  // The two halves of an emoji: the character ends after the second half in every unit.
  const emoji = (first: string, second: string) => {
    pieces.push({ token: first, lp: -1, width: { utf16: 0, codepoint: 0, byte: 2 } });
    pieces.push({ token: second, lp: -1, width: { utf16: 2, codepoint: 1, byte: 2 } });
  };
  ascii('Q', null);
  ascii(':', -1);
  ascii(' ', -1);
  emoji('bytes:\\xf0\\x9f', 'bytes:\\x99\\x82');
  ascii(' or', -1);
  ascii(' ', -1);
  emoji('bytes:\\xf0\\x9f', 'bytes:\\x99\\x83');
  ascii('?', -1);
  ascii('\n', -1);
  ascii('A', -1);
  ascii(':', -1);
  ascii(' yes', -0.5);
  ascii('\n', -7); // the one generated token: never part of the continuation
  const offsetsIn = (unit: 'utf16' | 'codepoint' | 'byte'): number[] => {
    const out: number[] = [];
    pieces.reduce((at, p) => (out.push(at), at + p.width[unit]), 0);
    return out;
  };

  for (const unit of ['codepoint', 'utf16', 'byte'] as const) {
    it(`reads text_offset counted in ${unit === 'codepoint' ? 'code points (Python servers)' : unit === 'utf16' ? 'UTF-16 units' : 'UTF-8 bytes'}`, () => {
      const offsets = offsetsIn(unit);
      // The generated token starts where the prompt ends, in the server's unit.
      expect(offsets.at(-1)).toBe(unit === 'codepoint' ? [...full].length : unit === 'utf16' ? full.length : Buffer.byteLength(full));
      const parsed = { tokens: pieces.map((p) => p.token), logprobs: pieces.map((p) => p.lp), offsets };
      expect(detectOffsetUnit(parsed, full)).toBe(unit === 'codepoint' && [...full].length === full.length ? 'utf16' : unit);
      expect(continuationLogprob(parsed, full, ctx.length)).toEqual({ logprob: -0.5, tokens: 1 });
    });
  }

  it('prefers the token texts when they spell the prompt, whatever unit the offsets use', () => {
    // Whole-character tokens with code-point offsets: read as UTF-16 they would pull the generated
    // token (-7) into every continuation (-7.5 over 2 tokens, the bug this guards against).
    const tokens = ['Q', ':', ' ', '🙂', ' or', ' ', '🙃', '?', '\n', 'A', ':', ' yes', '\n'];
    const lps = [null, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -0.5, -7];
    const cp: number[] = [];
    tokens.reduce((at, t) => (cp.push(at), at + [...t].length), 0);
    const parsed = { tokens, logprobs: lps, offsets: cp };
    expect(continuationLogprob(parsed, full, ctx.length)).toEqual({ logprob: -0.5, tokens: 1 });
    // Without the token-text path, the detected unit still gets it right.
    const garbled = { ...parsed, tokens: tokens.map((t) => (t === '🙂' || t === '🙃' ? '\ufffd' : t)) };
    expect(detectOffsetUnit(garbled, full)).toBe('codepoint');
    expect(continuationLogprob(garbled, full, ctx.length)).toEqual({ logprob: -0.5, tokens: 1 });
  });
});
