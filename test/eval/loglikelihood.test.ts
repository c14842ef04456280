// Continuation log-probabilities from both response shapes servers return for completions with echo + logprobs.
import { describe, expect, it } from 'vitest';
import { continuationLogprob, loglikelihoodJob, parseLogprobs } from '../../src/eval/loglikelihood.js';

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
