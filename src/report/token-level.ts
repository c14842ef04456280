// Token-level notes every report shows: which ITL the tables hold (per chunk or per token) and speculative decoding's acceptance.
import type { DistributionSummary, ResultDocument } from '../metrics/schema.js';
import type { SpeculativeDecodingDocument } from '../engine/spec-decode.js';

/** Mean tokens per chunk above which per-chunk ITL misleads enough to warn (speculative decoding, stream intervals). */
export const MULTI_TOKEN_CHUNKS = 1.2;

const summaryOf = (value: unknown): DistributionSummary | null => {
  const s = value as DistributionSummary | undefined | null;
  return s && typeof s === 'object' && s.count > 0 ? s : null;
};

/** Mean tokens per package: measured per package when known, else output tokens / packages from usage. */
export function tokensPerChunk(result: ResultDocument): { mean: number; measured: boolean } | null {
  const s = result.summary;
  const measured = summaryOf(s.tokens_per_package);
  if (measured !== null && measured.mean !== null) return { mean: measured.mean, measured: true };
  const out = s.output_tokens_per_request;
  const packages = s.packages_per_request;
  // Estimated counts (4 characters a token) say nothing about the server's tokens per chunk.
  if (s.token_counts_estimated || typeof out !== 'number' || typeof packages !== 'number' || packages <= 0) return null;
  return { mean: out / packages, measured: false };
}

/**
 * Which ITL the tables show. null: streams of one token a chunk and nothing measured per token (nothing to say).
 * `warning`: chunks carry several tokens and no per-token ITL exists, so `itl_ms` is not an inter-token latency.
 */
export function itlNote(result: ResultDocument): { text: string; warning: boolean } | null {
  if (result.config.api === 'embeddings' || summaryOf(result.summary.itl_ms) === null) return null;
  const chunk = tokensPerChunk(result);
  const perToken = summaryOf(result.summary.itl_per_token_ms);
  if (perToken !== null && chunk !== null) {
    const skipped = Number(result.summary.package_tokens_skipped ?? 0);
    const sample = skipped > 0 ? `, counted on a sample: ${skipped} request(s) left out to keep the tokenizer under 10% of the client's time` : '';
    const source = result.config.continuous_usage ? 'the server’s usage in every chunk' : `the tokenizer (${String(result.config.package_tokens ?? 'client')})${sample}`;
    return {
      text: `ITL (itl_ms) is per chunk, the gap between stream events as vLLM bench counts it; chunks carried ${chunk.mean.toFixed(2)} tokens on average (${source}), and ITL per token (itl_per_token_ms, each gap / its tokens) has mean ${perToken.mean!.toFixed(2)} ms`,
      warning: false,
    };
  }
  if (chunk !== null && chunk.mean > MULTI_TOKEN_CHUNKS) {
    return {
      text: `ITL is per chunk; ${chunk.mean.toFixed(1)} tokens per chunk on average (output tokens / packages), so it is not a per-token latency; use --continuous-usage or --tokenizer for ITL per token`,
      warning: true,
    };
  }
  return null;
}

/** The result's speculative decoding figures (present with --server-metrics against vLLM or SGLang serving them). */
export function speculativeOf(result: ResultDocument): SpeculativeDecodingDocument | null {
  const spec = result.speculative_decoding as SpeculativeDecodingDocument | undefined;
  return spec && typeof spec === 'object' && (spec.source === 'vllm' || spec.source === 'sglang') ? spec : null;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const fixed = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));

/** One line for the console and Markdown, or null. */
export function speculativeLine(result: ResultDocument): string | null {
  const spec = speculativeOf(result);
  if (spec === null) return null;
  if (spec.source === 'sglang') {
    return `Speculative decoding (SGLang gauges, mean of ${spec.samples} samples): acceptance rate ${pct(spec.acceptance_rate)}, mean acceptance length ${fixed(spec.mean_acceptance_length)}`;
  }
  const counts = spec.accepted_tokens !== null && spec.draft_tokens !== null ? ` (${spec.accepted_tokens} of ${spec.draft_tokens} draft tokens)` : '';
  const perPos = spec.per_position_acceptance ? `; per position ${spec.per_position_acceptance.map((x) => x.toFixed(3)).join(' ')}` : '';
  return `Speculative decoding (vLLM counters over the run): acceptance rate ${pct(spec.acceptance_rate)}${counts}, mean acceptance length ${fixed(spec.mean_acceptance_length)} (1 + accepted / ${spec.drafts ?? 'n/a'} drafts)${perPos}`;
}

/** Rows for the HTML section: label, value, where it is in result.json. */
export function speculativeRows(spec: SpeculativeDecodingDocument): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [
    ['Acceptance rate (accepted / draft tokens)', pct(spec.acceptance_rate), 'acceptance_rate'],
    ['Mean acceptance length (1 + accepted / drafts)', fixed(spec.mean_acceptance_length), 'mean_acceptance_length'],
  ];
  if (spec.drafts !== null) rows.push(['Drafts (decode steps that proposed)', String(spec.drafts), 'drafts']);
  if (spec.draft_tokens !== null) rows.push(['Draft tokens proposed', String(spec.draft_tokens), 'draft_tokens']);
  if (spec.accepted_tokens !== null) rows.push(['Draft tokens accepted', String(spec.accepted_tokens), 'accepted_tokens']);
  spec.per_position_acceptance?.forEach((x, i) => rows.push([`Position ${i} accepted (share of drafts)`, x.toFixed(3), `per_position_acceptance[${i}]`]));
  return rows;
}
