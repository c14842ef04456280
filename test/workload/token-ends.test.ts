// Token end offsets for tokens per package: the cached-piece fast path, the leading-space strip, and the exact fallback.
import { describe, expect, it } from 'vitest';
import { detokenizedEnds, tokenEndsOf } from '../../src/workload/token-ends.js';

/** A SentencePiece-like tokenizer: "▁word" tokens, a prefix space added on encode and stripped on decode. */
const VOCAB = ['▁a', '▁the', '▁of', '▁river'];
const encode = (text: string) => text.trim().split(/\s+/).map((w) => VOCAB.indexOf(`▁${w}`));
const decode = (ids: number[]) => ids.map((i) => VOCAB[i]!.replace('▁', ' ')).join('').replace(/^ /, '');

describe('tokenEndsOf', () => {
  it('lays cached pieces end to end, allowing the space a decoder strips at the start', () => {
    let decodes = 0;
    const ends = tokenEndsOf(encode, (ids) => (decodes++, decode(ids)));
    expect(ends('the of river')).toEqual([3, 6, 12]);
    const afterFirst = decodes;
    // Every piece is cached now: a second text with the same tokens costs no decode at all.
    expect(ends('river of the')).toEqual([5, 8, 12]);
    expect(decodes).toBe(afterFirst);
  });

  it('agrees with the incremental detokenizer (what a server streams)', () => {
    const ids = encode('the river of a');
    expect(tokenEndsOf(encode, decode)('the river of a')).toEqual(detokenizedEnds(ids, decode));
  });

  it('falls back to the incremental path for a character split over two byte tokens', () => {
    // "é" as two byte tokens: alone each decodes to U+FFFD, together to "é" (byte-level BPE and byte fallback do this).
    const vocab = [...VOCAB, '▁\u0001', '\u0002'];
    const enc = (text: string) => text.trim().split(/\s+/).flatMap((w) => (w === 'é' ? [4, 5] : [vocab.indexOf(`▁${w}`)]));
    const dec = (ids: number[]) =>
      ids.map((i) => vocab[i]!.replace('▁', ' ')).join('').replace(/\u0001\u0002/g, 'é').replace(/[\u0001\u0002]/g, '\uFFFD').replace(/^ /, '');
    const ends = tokenEndsOf(enc, dec)('the é of');
    // Both byte tokens end where the character completes.
    expect(ends).toEqual([3, 5, 5, 8]);
    expect(ends).toEqual(detokenizedEnds(enc('the é of'), dec));
  });
});
