// Whether a server's usage counts are plausible for the request that got them; once per request, at its end.
import type { RequestState } from './request-state.js';

/** No real response reaches this many tokens; above it a count is a server bug, not a measurement. */
export const MAX_PLAUSIBLE_TOKENS = 10_000_000;
/** A server may count a few tokens beyond max_tokens (stop sequences, special tokens), never ten times as many. */
const OVER_REQUEST_FACTOR = 10;

/**
 * Drops usage counts above their bound (10x the requested max_tokens, and at most 10 million), so the client's
 * own count stands and the request is marked `usage_invalid`. Values that were no count at all were already
 * refused as they arrived (payload.ts).
 */
export function checkUsageBounds(state: RequestState): void {
  const requested = state.maxOutputTokens;
  const outputBound = requested !== null && requested > 0 ? Math.min(MAX_PLAUSIBLE_TOKENS, requested * OVER_REQUEST_FACTOR) : MAX_PLAUSIBLE_TOKENS;
  if (state.completionTokens > outputBound) {
    state.usageInvalid ??= `completion_tokens: ${state.completionTokens} (more than ${outputBound})`;
    state.completionTokens = -1;
  }
  if (state.reasoningTokens > outputBound) {
    state.usageInvalid ??= `reasoning_tokens: ${state.reasoningTokens} (more than ${outputBound})`;
    state.reasoningTokens = -1;
  }
  if (state.promptTokens > MAX_PLAUSIBLE_TOKENS) {
    state.usageInvalid ??= `prompt_tokens: ${state.promptTokens} (more than ${MAX_PLAUSIBLE_TOKENS})`;
    state.promptTokens = -1;
  }
}
