// Where each token of a text ends, as a server's streaming detokenizer would place it: for tokens per stream package.

/** Tokens of context decoded before the new ones, so decoders that strip a leading space see the space's token. */
const DETOKENIZE_CONTEXT = 4;
/** Token pieces cached per tokenizer at most (a vocabulary is ~150k; past this the slow path is used for new ids). */
const MAX_CACHED_PIECES = 262_144;

/**
 * Token end offsets by incremental detokenization, as a server streams text (vLLM's detokenizer): decode a few tokens
 * of context with and without the new token; the difference is its text. A decode ending in U+FFFD is a character
 * split across tokens: those tokens end where the character completes. 2 short decodes per token.
 */
export function detokenizedEnds(ids: readonly number[], decode: (ids: number[]) => string): number[] {
  const ends = new Array<number>(ids.length);
  let offset = 0;
  let readAt = 0;
  for (let i = 0; i < ids.length; i++) {
    const from = Math.max(0, readAt - DETOKENIZE_CONTEXT);
    const before = decode(ids.slice(from, readAt) as number[]);
    const after = decode(ids.slice(from, i + 1) as number[]);
    if (after.endsWith('\uFFFD') && i + 1 < ids.length) continue;
    offset += Math.max(0, after.length - before.length);
    for (let j = readAt; j <= i; j++) ends[j] = offset;
    readAt = i + 1;
  }
  return ends;
}

/**
 * `tokenEnds(text)` for a tokenizer. Fast path: each id's text piece, decoded once after a fixed one-token context
 * (so a SentencePiece "▁the" reads " the") and cached; the pieces laid end to end must give the whole text's decode
 * (allowing the leading characters a decoder strips at the start), else the exact incremental path is taken (a
 * character split over byte tokens, merges that change text). ~1 decode per request instead of 2 per token.
 */
export function tokenEndsOf(encode: (text: string) => number[], decode: (ids: number[]) => string): (text: string) => number[] {
  const pieces = new Map<number, string>();
  // Found on first use, never at load: a tokenizer that cannot encode "a" as one known token just goes without context.
  let anchor: number | null | undefined;
  let anchorText = '';
  const pieceOf = (id: number): string => {
    if (anchor === undefined) {
      try {
        const ids = encode('a');
        anchor = ids.length === 1 && Number.isInteger(ids[0]) ? ids[0]! : null;
        anchorText = anchor === null ? '' : decode([anchor]);
      } catch {
        anchor = null;
      }
    }
    let piece = pieces.get(id);
    if (piece === undefined) {
      const withContext = anchor === null ? '' : decode([anchor, id]);
      piece = anchor !== null && withContext.startsWith(anchorText) ? withContext.slice(anchorText.length) : decode([id]);
      if (pieces.size < MAX_CACHED_PIECES) pieces.set(id, piece);
    }
    return piece;
  };
  return (text: string) => {
    const ids = encode(text);
    // A tokenizer that maps some text to no id (WordLevel's unknown words without [UNK]) cannot place its tokens.
    if (!ids.every((id) => Number.isInteger(id))) throw new Error('the tokenizer has no id for part of the text');
    return fromPieces(ids, pieceOf, decode, text) ?? detokenizedEnds(ids, decode);
  };
}

/** Ends from cached pieces, or null when the pieces do not add up to the text (checked against the text itself first: no decode). */
function fromPieces(ids: readonly number[], pieceOf: (id: number) => string, decode: (ids: number[]) => string, text: string): number[] | null {
  const ends = new Array<number>(ids.length);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < ids.length; i++) {
    const piece = pieceOf(ids[i]!);
    if (piece.includes('\uFFFD')) return null;
    parts.push(piece);
    length += piece.length;
    ends[i] = length;
  }
  const joined = parts.join('');
  const whole = joined === text || joined.endsWith(text) ? text : decode(ids as number[]);
  if (whole === joined) return ends;
  if (!joined.endsWith(whole)) return null;
  const stripped = joined.length - whole.length;
  return ends.map((end) => Math.max(0, end - stripped));
}
