// Property: however a valid SSE byte stream is cut into chunks (inside a UTF-8 character, a line end, a field name),
// the decoder sees the same events: same text, same package count, same usage, same end markers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestState, SseDecoder } from '../../src/engine/stream.js';

interface Piece {
  content: string;
  reasoning: string | null;
}

interface StreamSpec {
  pieces: Piece[];
  /** CRLF, LF or CR line ends: all three are valid SSE. */
  eol: '\n' | '\r\n' | '\r';
  /** Comment lines (": keep-alive") between events, as proxies send them. */
  comments: boolean;
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  done: boolean;
}

function encode(spec: StreamSpec): Buffer {
  const { eol } = spec;
  const frame = (data: string) => `data: ${data}${eol}${eol}`;
  let text = '';
  for (const piece of spec.pieces) {
    if (spec.comments) text += `: keep-alive${eol}${eol}`;
    const delta: Record<string, string> = { content: piece.content };
    if (piece.reasoning !== null) delta.reasoning_content = piece.reasoning;
    text += frame(JSON.stringify({ id: 'x', choices: [{ index: 0, delta, finish_reason: null }] }));
  }
  text += frame(JSON.stringify({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
  if (spec.usage) text += frame(JSON.stringify({ id: 'x', choices: [], usage: spec.usage }));
  if (spec.done) text += frame('[DONE]');
  return Buffer.from(text, 'utf8');
}

/** Cuts `bytes` at the given positions (any order, duplicates allowed: an empty chunk is legal too). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

function decode(chunks: Buffer[]) {
  const state = new RequestState(0);
  state.contentPieces = [];
  state.reasoningPieces = [];
  let gaps = 0;
  const decoder = new SseDecoder(state, { recordItlUs: () => gaps++, recordPackageAt: () => {} });
  chunks.forEach((chunk, i) => decoder.push(chunk, i + 1));
  decoder.end(chunks.length + 1);
  return {
    content: state.contentPieces.join(''),
    reasoning: state.reasoningPieces.join(''),
    packages: state.packages,
    reasoningPackages: state.reasoningPackages,
    contentChars: state.contentChars,
    gaps,
    promptTokens: state.promptTokens,
    completionTokens: state.completionTokens,
    sawDone: state.sawDone,
    sawFinish: state.sawFinish,
    errorKind: state.errorKind,
  };
}

// Full Unicode (astral emoji included, whose 4 UTF-8 bytes a cut can split), plus quotes, backslashes and newlines
// that JSON must escape.
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const spec: fc.Arbitrary<StreamSpec> = fc.record({
  pieces: fc.array(fc.record({ content: text, reasoning: fc.option(text, { nil: null }) }), { minLength: 1, maxLength: 20 }),
  eol: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
  comments: fc.boolean(),
  usage: fc.option(fc.record({ prompt_tokens: fc.nat(100_000), completion_tokens: fc.nat(100_000) }), { nil: null }),
  done: fc.boolean(),
});

describe('SSE decoding is independent of chunk boundaries', () => {
  it('any split gives the events of the whole stream fed at once', () => {
    fc.assert(
      fc.property(spec, fc.array(fc.nat(), { maxLength: 40 }), (s, cuts) => {
        const bytes = encode(s);
        const whole = decode([bytes]);
        expect(decode(split(bytes, cuts))).toEqual(whole);
        // And the whole-stream decode is right, not merely consistent.
        expect(whole.errorKind).toBeNull();
        expect(whole.content).toBe(s.pieces.map((p) => p.content).join(''));
        expect(whole.packages).toBe(s.pieces.length);
        expect(whole.gaps).toBe(s.pieces.length - 1);
        expect(whole.sawDone).toBe(s.done);
        expect(whole.completionTokens).toBe(s.usage ? s.usage.completion_tokens : -1);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('one byte at a time gives the same events too', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const bytes = encode(s);
        const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
        expect(decode(single)).toEqual(decode([bytes]));
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
