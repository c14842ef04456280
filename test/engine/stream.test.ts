// The SSE decoder gives the same packages, text and usage however the byte stream is split.
import { describe, expect, it } from 'vitest';
import { RequestState, SseDecoder } from '../../src/engine/stream.js';

function chunkEvent(delta: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
}

/** A vLLM-shaped stream: role-only first chunk, content with multi-byte characters, finish, usage, [DONE]. */
const BODY =
  chunkEvent({ role: 'assistant', content: '' }) +
  chunkEvent({ reasoning_content: 'think' }) +
  chunkEvent({ content: 'Hello' }) +
  chunkEvent({ content: ' wörld 🎉' }) +
  chunkEvent({ content: '好' }) +
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` +
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 4, completion_tokens_details: { reasoning_tokens: 1 } } })}\n\n` +
  'data: [DONE]\n\n';
const BYTES = Buffer.from(BODY, 'utf8');

function decode(chunks: Buffer[]) {
  const state = new RequestState(0);
  state.contentPieces = [];
  state.reasoningPieces = [];
  const gaps: number[] = [];
  const decoder = new SseDecoder(state, { recordItlUs: (gap) => gaps.push(gap), recordPackageAt: () => {} });
  chunks.forEach((chunk, i) => decoder.push(chunk, i));
  decoder.end(chunks.length);
  return { state, gaps };
}

describe('SseDecoder', () => {
  it('reads packages, reasoning, usage and [DONE] from a whole stream', () => {
    const { state, gaps } = decode([BYTES]);
    expect(state.packages).toBe(4); // role-only and empty chunks are not packages
    expect(state.reasoningPackages).toBe(1);
    expect(state.contentPieces!.join('')).toBe('Hello wörld 🎉好');
    expect(state.reasoningPieces!.join('')).toBe('think');
    expect([state.promptTokens, state.completionTokens, state.reasoningTokens]).toEqual([7, 4, 1]);
    expect(state.sawDone && state.sawFinish).toBe(true);
    expect(state.errorKind).toBeNull();
    expect(gaps).toHaveLength(3);
  });

  it('gives the same result when split at every byte boundary (a split emoji included)', () => {
    const whole = decode([BYTES]).state;
    for (let cut = 1; cut < BYTES.length; cut++) {
      const { state } = decode([BYTES.subarray(0, cut), BYTES.subarray(cut)]);
      expect(state.contentPieces!.join(''), `cut at ${cut}`).toBe(whole.contentPieces!.join(''));
      expect(state.packages, `cut at ${cut}`).toBe(whole.packages);
      expect(state.completionTokens).toBe(4);
      expect(state.sawDone).toBe(true);
    }
  });

  it('gives the same result fed one byte at a time, timing each package by its own chunk', () => {
    const bytes = [...BYTES].map((byte) => Buffer.from([byte]));
    const { state, gaps } = decode(bytes);
    expect(state.contentPieces!.join('')).toBe('Hello wörld 🎉好');
    expect(state.packages).toBe(4);
    // Each package is completed by its last byte, so its time is that chunk's index: gaps are positive.
    expect(gaps.every((gap) => gap > 0)).toBe(true);
  });

  it('does not take "error": null for an error event', () => {
    const body = `data: ${JSON.stringify({ error: null, choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] })}\n\n`;
    const { state } = decode([Buffer.from(body)]);
    expect(state.errorKind).toBeNull();
    expect(state.packages).toBe(1);
  });

  it('marks invalid JSON and error events as failures with their kind', () => {
    const bad = decode([Buffer.from('data: {"choices": [\n\n')]).state;
    expect(bad.errorKind).toBe('invalid_json');
    const event = decode([Buffer.from('data: {"error": {"message": "overloaded"}}\n\n')]).state;
    expect(event.errorKind).toBe('stream_error_event');
    expect(event.errorMessage).toContain('overloaded');
  });

  it('fails an event over the size bound as event_too_large, whether it arrives whole or in pieces, and stops there', () => {
    const big = Buffer.from(`data: {"choices":[{"delta":{"content":"${'x'.repeat(5000)}"}}]}\n\n` + BODY);
    for (const chunks of [[big], [big.subarray(0, 3000), big.subarray(3000)]]) {
      const state = new RequestState(0);
      const decoder = new SseDecoder(state, { recordItlUs: () => {}, recordPackageAt: () => {} }, 4096);
      const results = chunks.map((chunk, i) => decoder.push(chunk, i));
      expect(results.at(-1)).toBe(false);
      expect(state.errorKind).toBe('event_too_large');
      expect(state.errorMessage).toContain('grew past 4096 bytes');
      expect(state.packages).toBe(0); // nothing after the oversized event is read
    }
  });

  it('reads completions-style text and usage on the last chunk with choices (llama.cpp)', () => {
    const body =
      `data: ${JSON.stringify({ choices: [{ text: 'a', finish_reason: null }] })}\n\n` +
      `data: ${JSON.stringify({ choices: [{ text: 'b', finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 2 } })}\n\n`;
    const { state } = decode([Buffer.from(body)]);
    expect(state.packages).toBe(2);
    expect(state.completionTokens).toBe(2);
    expect(state.sawFinish).toBe(true);
  });
});
