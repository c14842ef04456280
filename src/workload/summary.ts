// Workload figures for the result summary: requested vs actual output lengths and client vs server input
// counts. Counters only (in `totals.workload`), so worker threads and shards merge them by summing; the
// per-turn TTFT distributions travel as histograms (ttft_first_turn_ms, ttft_later_turns_ms) like every other.

/** One finished, successful, non-warm-up request as the workload sees it. */
export interface WorkloadSample {
  /** max_tokens sent (null: the server's default). */
  requestedOutputTokens: number | null;
  actualOutputTokens: number;
  /** The client's count of the prompt (tokenizer or the characters rule). */
  clientInputTokens: number;
  /** usage.prompt_tokens, or null when the server did not say. */
  serverInputTokens: number | null;
}

/** Summable counters, stored as `totals.workload`. */
export interface WorkloadCounters {
  input_compared: number;
  input_client_total: number;
  input_server_total: number;
  input_abs_difference_total: number;
  input_differing: number;
  output_requests: number;
  output_requested_total: number;
  output_actual_total: number;
  output_shorter: number;
  /** Sum of the actual lengths of the requests that ended shorter than asked (their mean is the "typical" short length). */
  output_shorter_actual_total: number;
  output_exact: number;
  output_longer: number;
}

/** Client vs server input counts: where the client's tokenizer (or rule) and the server's disagree. */
export interface InputCountComparison {
  /** Requests where the server reported usage.prompt_tokens. */
  compared: number;
  client_total: number;
  server_total: number;
  /** Mean of (server - client) per request; chat templates make it positive on chat APIs. */
  mean_difference: number;
  mean_abs_difference: number;
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

/**
 * Quiet truncation: under --ignore-eos every response should have its asked length; when more than this share
 * ends shorter, the server caps or ignores max_tokens / ignore_eos and the run is not the workload asked for.
 */
export const TRUNCATION_SHARE = 0.01;

/** `summary.output_truncated`: set when more than 1% of --ignore-eos requests ended shorter than asked. */
export interface OutputTruncation {
  /** Requests that ended shorter than their max_tokens, of those that sent one. */
  shorter: number;
  requests: number;
  share: number;
  /** Mean length of the short responses, in tokens (the "typical" length the server stopped at). */
  shorter_mean_tokens: number;
  requested_mean_tokens: number;
  message: string;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function outputTruncation(counters: Partial<WorkloadCounters> | undefined, ignoreEos: boolean): OutputTruncation | null {
  const requests = counters?.output_requests ?? 0;
  const shorter = counters?.output_shorter ?? 0;
  if (!ignoreEos || requests === 0 || shorter / requests <= TRUNCATION_SHARE) return null;
  const typical = Math.round((counters?.output_shorter_actual_total ?? 0) / shorter);
  const asked = Math.round((counters?.output_requested_total ?? 0) / requests);
  const share = shorter / requests;
  return {
    shorter,
    requests,
    share: round(share),
    shorter_mean_tokens: typical,
    requested_mean_tokens: asked,
    message:
      `--ignore-eos: ${shorter} of ${requests} requests (${(share * 100).toFixed(1)}%) ended shorter than asked, ` +
      `typically at ${typical} tokens of ${asked} asked: the server caps the length or ignores ignore_eos, so this is not the workload asked for`,
  };
}

export class WorkloadStats {
  private readonly c: WorkloadCounters = {
    input_compared: 0,
    input_client_total: 0,
    input_server_total: 0,
    input_abs_difference_total: 0,
    input_differing: 0,
    output_requests: 0,
    output_requested_total: 0,
    output_actual_total: 0,
    output_shorter: 0,
    output_shorter_actual_total: 0,
    output_exact: 0,
    output_longer: 0,
  };

  add(sample: WorkloadSample): void {
    const c = this.c;
    if (sample.serverInputTokens !== null) {
      const diff = sample.serverInputTokens - sample.clientInputTokens;
      c.input_compared++;
      c.input_client_total += sample.clientInputTokens;
      c.input_server_total += sample.serverInputTokens;
      c.input_abs_difference_total += Math.abs(diff);
      if (diff !== 0) c.input_differing++;
    }
    if (sample.requestedOutputTokens !== null) {
      c.output_requests++;
      c.output_requested_total += sample.requestedOutputTokens;
      c.output_actual_total += sample.actualOutputTokens;
      if (sample.actualOutputTokens < sample.requestedOutputTokens) {
        c.output_shorter++;
        c.output_shorter_actual_total += sample.actualOutputTokens;
      }
      else if (sample.actualOutputTokens === sample.requestedOutputTokens) c.output_exact++;
      else c.output_longer++;
    }
  }

  counters(): WorkloadCounters {
    return { ...this.c };
  }
}

/** The summary fields from (possibly merged) counters; absent counters give nulls. */
export function workloadSummary(counters: Partial<WorkloadCounters> | undefined, ignoreEos = false): {
  /** Set (else null) when more than 1% of --ignore-eos requests ended shorter than asked. */
  output_truncated: OutputTruncation | null;
  input_tokens_client_vs_server: InputCountComparison | null;
  output_tokens_requested_vs_actual: OutputLengthComparison | null;
  /** Scalars beside input_tokens_per_request and output_tokens_per_request, so every report shows the pairs. */
  input_tokens_client_per_request?: number;
  output_tokens_requested_per_request?: number;
} {
  const c = { ...counters } as Partial<WorkloadCounters>;
  const n = (key: keyof WorkloadCounters) => c[key] ?? 0;
  const compared = n('input_compared');
  const requests = n('output_requests');
  return {
    output_truncated: outputTruncation(counters, ignoreEos),
    ...(compared > 0 ? { input_tokens_client_per_request: round(n('input_client_total') / compared) } : {}),
    ...(requests > 0 ? { output_tokens_requested_per_request: round(n('output_requested_total') / requests) } : {}),
    input_tokens_client_vs_server:
      compared === 0
        ? null
        : {
            compared,
            client_total: n('input_client_total'),
            server_total: n('input_server_total'),
            mean_difference: round((n('input_server_total') - n('input_client_total')) / compared),
            mean_abs_difference: round(n('input_abs_difference_total') / compared),
            differing: n('input_differing'),
          },
    output_tokens_requested_vs_actual:
      requests === 0
        ? null
        : {
            requests,
            requested_mean: round(n('output_requested_total') / requests),
            actual_mean: round(n('output_actual_total') / requests),
            shorter: n('output_shorter'),
            exact: n('output_exact'),
            longer: n('output_longer'),
          },
  };
}
