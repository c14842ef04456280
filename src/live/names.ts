// The live metrics' names, units and buckets: one list the Prometheus endpoint, the OTLP export, the dashboard and the docs share.

/** Labels every llmperf series carries; `stage` is '' outside a sweep or capacity search. */
export const LABELS = ['run_id', 'model', 'stage'] as const;
export type LiveLabels = Record<(typeof LABELS)[number], string>;

/** Latency histograms, in seconds (Prometheus's base unit), named after vLLM's server-side ones with an llmperf_ prefix. */
export const HISTOGRAMS = {
  ttft: { name: 'llmperf_time_to_first_token_seconds', help: 'Time to first token (first streamed package) of succeeded requests, seconds, measured by the client.' },
  itl: { name: 'llmperf_inter_token_latency_seconds', help: 'Gaps between consecutive streamed packages, pooled over requests (vLLM ITL), seconds.' },
  tpot: { name: 'llmperf_time_per_output_token_seconds', help: 'Per request (E2E - TTFT) / (output tokens - 1) (vLLM TPOT), seconds.' },
  e2e: { name: 'llmperf_e2e_request_latency_seconds', help: 'Send to last package of succeeded requests, seconds.' },
  queue: { name: 'llmperf_request_queue_time_seconds', help: 'Open loop: intended start to actual send (client-side queueing), seconds.' },
} as const;

export const COUNTERS = {
  requests: { name: 'llmperf_requests_total', help: 'Requests ended, by outcome (success, error, cancelled, warmup) and error kind.' },
  sent: { name: 'llmperf_requests_sent_total', help: 'Requests sent (warm-up included).' },
  promptTokens: { name: 'llmperf_prompt_tokens_total', help: 'Input tokens of succeeded requests (server usage, else estimated).' },
  generationTokens: { name: 'llmperf_generation_tokens_total', help: 'Output tokens of succeeded requests (server usage, else estimated).' },
} as const;

export const GAUGES = {
  inFlight: { name: 'llmperf_requests_in_flight', help: 'Requests sent and not yet ended.' },
} as const;

/**
 * Classic buckets (upper bounds, seconds): vLLM's own bucket lists, with finer low ends so a fast
 * server's milliseconds are resolved; a Prometheus native histogram would need protobuf scraping.
 */
export const BUCKETS_S = {
  ttft: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640],
  itl: [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10, 20, 40, 80],
  e2e: [0.1, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680],
  queue: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
} as const;

/** Every series name llmperf's endpoint serves (histograms with their _bucket/_sum/_count). */
export function exportedSeriesNames(): string[] {
  const names: string[] = [];
  for (const { name } of Object.values(HISTOGRAMS)) names.push(name, `${name}_bucket`, `${name}_sum`, `${name}_count`);
  for (const { name } of Object.values(COUNTERS)) names.push(name);
  for (const { name } of Object.values(GAUGES)) names.push(name);
  return names;
}
