// Parsing judge replies: pairwise `[[A]]`/`[[B]]`/`[[C]]` and single-grade `Rating: [[N]]`; unparsable is null, never a guess.
import type { PairVerdict } from './types.js';

/** Reasoning models may think aloud (and quote the verdict format) before answering: drop that part. */
function stripReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/^[\s\S]*<\/think>/i, '');
}

/**
 * The judge prompt asks for the verdict last, so the last marker wins: a judge that first quotes the
 * format ("answer [[A]] if ...") and then decides is read by its decision. Reply with no marker → null.
 */
export function parsePairVerdict(reply: string): PairVerdict {
  const text = stripReasoning(reply);
  const markers = [...text.matchAll(/\[\[\s*(A|B|C|tie)\s*\]\]/gi)];
  const last = markers.at(-1)?.[1]?.toUpperCase();
  if (last === 'A') return 'A';
  if (last === 'B') return 'B';
  if (last === 'C' || last === 'TIE') return 'tie';
  return null;
}

/**
 * Reads `Rating: [[N]]` (N in 1..10, decimals allowed); falls back to the last bare `[[N]]`.
 * Out-of-range numbers are unparsable: a 0 or 85 means the judge misread the scale, not a score.
 */
export function parseRating(reply: string, min = 1, max = 10): number | null {
  const text = stripReasoning(reply);
  const labelled = [...text.matchAll(/rating\s*:?\s*\[\[\s*(\d+(?:\.\d+)?)\s*\]\]/gi)];
  const bare = [...text.matchAll(/\[\[\s*(\d+(?:\.\d+)?)\s*\]\]/g)];
  const match = (labelled.length ? labelled : bare).at(-1);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) && value >= min && value <= max ? value : null;
}

export interface CombinedVerdict {
  /** From the first-shown model's side (model_a); null when either order was unparsable. */
  winner: 'model_a' | 'model_b' | 'tie' | null;
  /** False when the two orders disagreed (position bias): such a battle counts as a tie. */
  consistent: boolean;
}

/**
 * Combines the verdict with model_a shown first (`firstOrder`) and with model_b shown first
 * (`swappedOrder`). Agreement decides; any disagreement becomes a tie, as MT-bench does, so a judge
 * that always prefers whichever answer it reads first produces only ties.
 */
export function combineBothOrders(firstOrder: PairVerdict, swappedOrder: PairVerdict): CombinedVerdict {
  if (firstOrder === null || swappedOrder === null) return { winner: null, consistent: false };
  const first = firstOrder === 'A' ? 'model_a' : firstOrder === 'B' ? 'model_b' : 'tie';
  const swapped = swappedOrder === 'A' ? 'model_b' : swappedOrder === 'B' ? 'model_a' : 'tie';
  return first === swapped ? { winner: first, consistent: true } : { winner: 'tie', consistent: false };
}
