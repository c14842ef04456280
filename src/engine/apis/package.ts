// Records one package (a stream event that delivered output) into a request's state: shared by every API kind.
import type { PackageGapSink, RequestState } from '../request-state.js';

/**
 * A package arrived at `nowMs` carrying `reasoning` and/or `content` text (either may be empty; the caller
 * checked that at least one is not). Timestamps and counters only: this is the per-chunk hot path.
 * `keepContent` false counts a content package without keeping its text (tool-call argument fragments).
 */
export function recordPackage(
  state: RequestState,
  gaps: PackageGapSink,
  nowMs: number,
  reasoning: string | null | undefined,
  content: string | null | undefined,
  keepContent = true,
): void {
  if (state.continuousUsage) packageTokens(state, gaps, nowMs);
  else if (state.packageTrace !== null) state.packageTrace.add(nowMs, reasoning, content);
  if (state.packages === 0) state.firstPackageMs = nowMs;
  else {
    if (state.packages === 1) state.secondPackageMs = nowMs;
    gaps.recordItlUs((nowMs - state.lastPackageMs) * 1000);
  }
  gaps.recordPackageAt(nowMs);
  state.lastPackageMs = nowMs;
  state.packages++;
  if (typeof reasoning === 'string' && reasoning.length > 0) {
    if (state.reasoningPackages === 0) state.firstReasoningMs = nowMs;
    state.reasoningPackages++;
    state.reasoningChars += reasoning.length;
    state.reasoningPieces?.push(reasoning);
  }
  if (typeof content === 'string' && content.length > 0) {
    if (Number.isNaN(state.firstAnswerMs)) state.firstAnswerMs = nowMs;
    state.contentChars += content.length;
    // Bounded when a check keeps the text (maxKeptChars); a cut text is reported by the check, not here.
    if (keepContent && state.contentChars <= state.maxKeptChars) state.contentPieces?.push(content);
  }
}

/**
 * --continuous-usage: the tokens this package delivered are the growth of the cumulative completion_tokens its
 * chunk carried (usage is read before the package is recorded). A chunk without usage delivers nothing countable.
 */
function packageTokens(state: RequestState, gaps: PackageGapSink, nowMs: number): void {
  const tokens = state.completionTokens - state.tokensAtLastPackage;
  if (state.completionTokens < 0 || tokens <= 0) return;
  state.tokensAtLastPackage = state.completionTokens;
  gaps.recordPackageTokens?.(tokens, state.packages === 0 ? NaN : (nowMs - state.lastPackageMs) * 1000);
}

/** A whole (non-streaming) answer: one package at `nowMs` when it has any text, so TTFT equals latency. */
export function recordWholeAnswer(state: RequestState, reasoning: string, content: string, nowMs: number): void {
  if (reasoning.length > 0) {
    state.firstReasoningMs = nowMs;
    state.reasoningChars = reasoning.length;
    state.reasoningPieces?.push(reasoning);
  }
  if (content.length > 0) {
    state.firstAnswerMs = nowMs;
    state.contentChars = content.length;
    state.contentPieces?.push(content);
  }
  if (state.contentChars > 0 || state.reasoningChars > 0) {
    state.firstPackageMs = nowMs;
    state.lastPackageMs = nowMs;
    state.packages = 1;
  }
}
