// Warnings about the data itself (not the client): quiet truncation, implausible usage. Every report shows the same ones.
import type { ResultDocument } from '../metrics/schema.js';

/** One line each; empty when the run's numbers need no caveat. Reads the result document only. */
export function dataWarnings(result: ResultDocument): string[] {
  const warnings: string[] = [];
  const s = result.summary as Record<string, unknown>;
  const truncated = s.output_truncated as { message?: unknown } | null | undefined;
  if (truncated && typeof truncated.message === 'string') warnings.push(truncated.message);
  const invalid = s.usage_invalid;
  if (typeof invalid === 'number' && invalid > 0) {
    const sample = typeof s.usage_invalid_sample === 'string' ? ` (e.g. ${s.usage_invalid_sample})` : '';
    warnings.push(`${invalid} request(s) reported implausible usage${sample}: their token counts are the client's own (usage_invalid)`);
  }
  const note = cacheNote(result);
  if (note !== null) warnings.push(note);
  return warnings;
}

/**
 * A workload built to exercise a prefix cache (shared-prefix groups, trace hash blocks) against a server that
 * never reported usage.prompt_tokens_details.cached_tokens: the hit rate is unknown, not zero.
 */
function cacheNote(result: ResultDocument): string | null {
  const config = result.config as Record<string, unknown>;
  const shaped = Number(config.prefix_groups ?? 0) > 0 || config.dataset === 'trace';
  const s = result.summary as Record<string, unknown>;
  if (!shaped || Number(s.succeeded ?? 0) === 0 || Number(s.cache_reported_requests ?? 0) > 0) return null;
  return 'the server did not report usage.prompt_tokens_details.cached_tokens: prefix-cache hit rate unknown (vLLM: --enable-prompt-tokens-details; the built-in simulator: --sim-prefix-cache)';
}
