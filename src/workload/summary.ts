// Workload figures for the result summary: requested vs actual output lengths, client vs server input
// counts, and first-turn vs later-turn TTFT. Fed once per finished request; summarised once at the end.
import { createHistogram, recordUs, summarizeUs, type Histogram } from '../metrics/histogram.js';
import type { DistributionSummary } from '../metrics/schema.js';

/** One finished, successful, non-warm-up request as the workload sees it. */
export interface WorkloadSample {
  /** max_tokens sent (null: the server's default). */
  requestedOutputTokens: number | null;
  actualOutputTokens: number;
  /** The client's count of the prompt (tokenizer or the characters rule). */
  clientInputTokens: number;
  /** usage.prompt_tokens, or null when the server did not say. */
  serverInputTokens: number | null;
  /** Multi-turn: 0 for a conversation's first turn, 1+ for later ones; null outside multi-turn runs. */
  turn: number | null;
  ttftMs: number | null;
}

/** Client vs server input counts: where the client's tokenizer (or rule) and the server's disagree. */
export interface InputCountComparison {
  /** Requests where the server reported usage.prompt_tokens. */
  compared: number;
  client_total: number;
  server_total: number;
  /** Mean of (server - client) per request; chat templates make it positive on chat APIs. */
  mean_difference: number;
  max_abs_difference: number;
  /** Requests whose two counts differ. */
  differing: number;
}

export interface OutputLengthComparison {
  /** Requests that sent max_tokens. */
  requests: number;
  requested_mean: number;
  actual_mean: number;
  /** Requests that ended below their max_tokens (EOS came first), at it, and above it (a server ignoring it). */
  shorter: number;
  exact: number;
  longer: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export class WorkloadStats {
  private readonly input = { compared: 0, client: 0, server: 0, diffSum: 0, maxAbs: 0, differing: 0 };
  private readonly output = { requests: 0, requested: 0, actual: 0, shorter: 0, exact: 0, longer: 0 };
  private firstTurnUs: Histogram | null = null;
  private laterTurnsUs: Histogram | null = null;

  add(sample: WorkloadSample): void {
    if (sample.serverInputTokens !== null) {
      const i = this.input;
      const diff = sample.serverInputTokens - sample.clientInputTokens;
      i.compared++;
      i.client += sample.clientInputTokens;
      i.server += sample.serverInputTokens;
      i.diffSum += diff;
      i.maxAbs = Math.max(i.maxAbs, Math.abs(diff));
      if (diff !== 0) i.differing++;
    }
    if (sample.requestedOutputTokens !== null) {
      const o = this.output;
      o.requests++;
      o.requested += sample.requestedOutputTokens;
      o.actual += sample.actualOutputTokens;
      if (sample.actualOutputTokens < sample.requestedOutputTokens) o.shorter++;
      else if (sample.actualOutputTokens === sample.requestedOutputTokens) o.exact++;
      else o.longer++;
    }
    if (sample.turn !== null && sample.ttftMs !== null) {
      const histogram = sample.turn === 0 ? (this.firstTurnUs ??= createHistogram()) : (this.laterTurnsUs ??= createHistogram());
      recordUs(histogram, sample.ttftMs * 1000);
    }
  }

  /** Summary fields (snake_case, units in the names); frees the histograms. */
  summary(): Record<string, unknown> {
    const i = this.input;
    const o = this.output;
    const fields: Record<string, unknown> = {
      input_tokens_client_vs_server:
        i.compared === 0
          ? null
          : ({
              compared: i.compared,
              client_total: i.client,
              server_total: i.server,
              mean_difference: round(i.diffSum / i.compared),
              max_abs_difference: i.maxAbs,
              differing: i.differing,
            } satisfies InputCountComparison),
      output_tokens_requested_vs_actual:
        o.requests === 0
          ? null
          : ({
              requests: o.requests,
              requested_mean: round(o.requested / o.requests),
              actual_mean: round(o.actual / o.requests),
              shorter: o.shorter,
              exact: o.exact,
              longer: o.longer,
            } satisfies OutputLengthComparison),
    };
    const summarize = (h: Histogram | null): DistributionSummary | null => {
      if (h === null) return null;
      const s = summarizeUs(h);
      h.destroy();
      return s;
    };
    if (this.firstTurnUs !== null || this.laterTurnsUs !== null) {
      fields.ttft_first_turn_ms = summarize(this.firstTurnUs);
      fields.ttft_later_turns_ms = summarize(this.laterTurnsUs);
      this.firstTurnUs = this.laterTurnsUs = null;
    }
    return fields;
  }
}
