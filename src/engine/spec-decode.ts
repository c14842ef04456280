// Speculative decoding over a run, from the server's own metrics (--server-metrics): vLLM's counters start->end, or SGLang's gauges.
import type { ScrapeValues } from '../cluster/prometheus.js';

/** `speculative_decoding` in result.json. Rates are 0..1; counts are the server's counter increase over the run. */
export interface SpeculativeDecodingDocument {
  /** `vllm`: counter deltas from the first scrape to the last (exact); `sglang`: the mean of its gauge samples. */
  source: 'vllm' | 'sglang';
  /** Accepted draft tokens / proposed draft tokens. */
  acceptance_rate: number | null;
  /** Tokens per decode step including the target model's own (bonus) token: 1 + accepted / drafts, as vLLM defines it. */
  mean_acceptance_length: number | null;
  /** vLLM: draft position i (0-based) accepted / drafts, i.e. the share of steps that got at least i + 1 drafts accepted. */
  per_position_acceptance: number[] | null;
  /** vLLM counter deltas (null for SGLang, which serves none). */
  drafts: number | null;
  draft_tokens: number | null;
  accepted_tokens: number | null;
  /** Scrapes the numbers come from (vLLM: 2, start and end; SGLang: the gauge samples averaged). */
  samples: number;
  /** How the numbers were obtained, for the reader. */
  method: string;
}

const DRAFTS = 'vllm:spec_decode_num_drafts_total';
const DRAFT_TOKENS = 'vllm:spec_decode_num_draft_tokens_total';
const ACCEPTED = 'vllm:spec_decode_num_accepted_tokens_total';
const PER_POS = /^vllm:spec_decode_num_accepted_tokens_per_pos_total\{position="(\d+)"\}$/;
const SGLANG_LENGTH = 'sglang:spec_accept_length';
const SGLANG_RATE = 'sglang:spec_accept_rate';

/** Is this scraped name one the tracker reads? (The scraper keeps these beside the plotted families.) */
export function isSpecDecodeMetric(name: string): boolean {
  return name === DRAFTS || name === DRAFT_TOKENS || name === ACCEPTED || PER_POS.test(name) || name === SGLANG_LENGTH || name === SGLANG_RATE;
}

/**
 * Keeps the first and the latest value of vLLM's counters, and running sums of SGLang's gauges, scrape by
 * scrape: O(1) memory whatever the run's length, and independent of the time series' thinning (point_stride).
 */
export class SpecDecodeTracker {
  private first: Map<string, number> | null = null;
  private last: Map<string, number> | null = null;
  private scrapes = 0;
  private sglang = { n: 0, length: 0, rateN: 0, rate: 0 };

  observe(values: ScrapeValues): void {
    const counters = new Map<string, number>();
    for (const [name, value] of values) if (name.startsWith('vllm:spec_decode_')) counters.set(name, value);
    if (counters.size > 0) {
      this.first ??= counters;
      this.last = counters;
    }
    // SGLang's gauge at the first scrape describes whatever ran before this run: only later samples count.
    if (this.scrapes++ > 0) {
      const length = values.get(SGLANG_LENGTH);
      const rate = values.get(SGLANG_RATE);
      // 0 means no speculative step in its window (or no speculative decoding at all), not a length of 0.
      if (length !== undefined && length > 0) {
        this.sglang.n++;
        this.sglang.length += length;
        if (rate !== undefined) {
          this.sglang.rateN++;
          this.sglang.rate += rate;
        }
      }
    }
  }

  /** The run's figures, or null when the server exposes none (no speculative decoding, or not vLLM/SGLang). */
  document(): SpeculativeDecodingDocument | null {
    if (this.first !== null && this.last !== null && this.last.has(DRAFTS)) return this.vllm(this.first, this.last);
    if (this.sglang.n > 0) {
      return {
        source: 'sglang',
        acceptance_rate: this.sglang.rateN > 0 ? this.sglang.rate / this.sglang.rateN : null,
        mean_acceptance_length: this.sglang.length / this.sglang.n,
        per_position_acceptance: null,
        drafts: null,
        draft_tokens: null,
        accepted_tokens: null,
        samples: this.sglang.n,
        method: "mean of SGLang's sglang:spec_accept_length / spec_accept_rate gauge samples during the run (each an average over SGLang's last logging window; not weighted by tokens)",
      };
    }
    return null;
  }

  private vllm(first: Map<string, number>, last: Map<string, number>): SpeculativeDecodingDocument {
    const delta = (name: string): number | null => {
      const a = first.get(name) ?? 0;
      const b = last.get(name);
      // A counter that went down means the server restarted during the run: no honest delta exists.
      return b === undefined || b < a ? null : b - a;
    };
    const drafts = delta(DRAFTS);
    const draftTokens = delta(DRAFT_TOKENS);
    const accepted = delta(ACCEPTED);
    const positions: number[] = [];
    for (const name of last.keys()) {
      const match = PER_POS.exec(name);
      if (match) positions[Number(match[1])] = delta(name) ?? NaN;
    }
    const perPos = drafts !== null && drafts > 0 && positions.length > 0 ? Array.from(positions, (n) => (n === undefined || Number.isNaN(n) ? NaN : n / drafts)) : null;
    return {
      source: 'vllm',
      acceptance_rate: accepted !== null && draftTokens !== null && draftTokens > 0 ? accepted / draftTokens : null,
      mean_acceptance_length: accepted !== null && drafts !== null && drafts > 0 ? 1 + accepted / drafts : null,
      per_position_acceptance: perPos && perPos.every(Number.isFinite) ? perPos : null,
      drafts,
      draft_tokens: draftTokens,
      accepted_tokens: accepted,
      samples: first === last ? 1 : 2,
      method: "increase of vLLM's vllm:spec_decode_* counters from the first scrape (before the first request) to the last (after the last response)",
    };
  }
}
