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
  return warnings;
}
