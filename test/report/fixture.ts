// Synthetic runs for report and metrics tests: real HDR histograms filled from request records the test controls.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHistogram, encodeHistogram, recordUs, summarizeUs, type Histogram } from '../../src/metrics/histogram.js';
import { RESULT_SCHEMA, type RequestRecord, type ResultDocument, type TimeseriesPoint } from '../../src/metrics/schema.js';
import { seededRandom } from '../../src/metrics/significance.js';
import { REQUESTS_CSV_HEADER } from '../../src/report/requests-file.js';

export interface SyntheticOptions {
  n?: number;
  seed?: number;
  /** TTFT = ttftBaseMs + 0.05 ms per input token + exponential noise with this mean. */
  ttftBaseMs?: number;
  ttftNoiseMs?: number;
  tpotMs?: number;
  /** Every failEvery-th request fails with errorKind. 0: none fail. */
  failEvery?: number;
  errorKind?: string;
  errorMessage?: string;
  model?: string;
  extraConfig?: Record<string, unknown>;
}

export function syntheticRun(options: SyntheticOptions = {}): { result: ResultDocument; records: RequestRecord[] } {
  const n = options.n ?? 200;
  const random = seededRandom(options.seed ?? 7);
  const tpotMs = options.tpotMs ?? 20;
  const records: RequestRecord[] = [];
  const hist: Record<string, Histogram> = { ttft_ms: createHistogram(), latency_ms: createHistogram(), tpot_ms: createHistogram(), itl_ms: createHistogram(), queue_ms: createHistogram() };
  for (let i = 0; i < n; i++) {
    const inputTokens = 50 + Math.floor(random() * 950);
    const outputTokens = 20 + Math.floor(random() * 280);
    const failed = options.failEvery ? i % options.failEvery === options.failEvery - 1 : false;
    const ttftMs = (options.ttftBaseMs ?? 100) + inputTokens * 0.05 - Math.log(1 - random()) * (options.ttftNoiseMs ?? 30);
    const latencyMs = ttftMs + tpotMs * (outputTokens - 1);
    const queueMs = random() * 2;
    records.push({
      index: i, start_ms: i * 40, intended_ms: null, queue_ms: queueMs,
      ttft_ms: failed ? null : ttftMs, latency_ms: failed ? null : latencyMs,
      input_tokens: inputTokens, output_tokens: failed ? 0 : outputTokens, reasoning_tokens: 0,
      packages: failed ? 0 : outputTokens, status: failed ? 500 : 200, ok: !failed,
      error: failed ? (options.errorKind ?? 'http_500') : null, reconnected: false,
    });
    recordUs(hist.queue_ms!, queueMs * 1000);
    if (failed) continue;
    recordUs(hist.ttft_ms!, ttftMs * 1000);
    recordUs(hist.latency_ms!, latencyMs * 1000);
    recordUs(hist.tpot_ms!, tpotMs * 1000);
    for (let k = 0; k < Math.min(outputTokens - 1, 50); k++) recordUs(hist.itl_ms!, (tpotMs * (0.5 + random())) * 1000);
  }
  const ok = records.filter((r) => r.ok);
  const failedCount = n - ok.length;
  const durationS = (records[n - 1]!.start_ms + (ok[ok.length - 1]?.latency_ms ?? 0)) / 1000;
  const outputTokens = ok.reduce((s, r) => s + r.output_tokens, 0);
  const inputTokens = records.reduce((s, r) => s + r.input_tokens, 0);
  const timeseries: TimeseriesPoint[] = [];
  for (let t = 0; t < Math.ceil(durationS); t++) {
    const started = records.filter((r) => Math.floor(r.start_ms / 1000) === t).length;
    const ended = ok.filter((r) => Math.floor((r.start_ms + r.latency_ms!) / 1000) === t);
    const inFlight = ok.filter((r) => r.start_ms / 1000 <= t && (r.start_ms + r.latency_ms!) / 1000 > t).length;
    const failedNow = records.filter((r) => !r.ok && Math.floor(r.start_ms / 1000) === t).length;
    timeseries.push({ t_s: t, started, finished: ended.length, failed: failedNow, in_flight: inFlight, output_tokens: ended.reduce((s, r) => s + r.output_tokens, 0) });
  }
  const kind = options.errorKind ?? 'http_500';
  const result: ResultDocument = {
    schema: RESULT_SCHEMA,
    tool: { name: 'llmperf', version: '0.1.0', node: process.version, platform: process.platform, cpus: 2 },
    started_at: '2026-11-28T10:00:00.000Z',
    ended_at: '2026-11-28T10:01:00.000Z',
    interrupted: false,
    simulated: true,
    config: { url: 'http://127.0.0.1:1/v1', model: options.model ?? 'sim-model', api: 'chat', concurrency: 4, requests: n, duration_s: null, rate: null, seed: 1, timeout_ms: 60000, ...options.extraConfig },
    summary: {
      duration_s: durationS, expected_requests: n, concurrency: 4, sent: n, completed: n, succeeded: ok.length, failed: failedCount, cancelled: 0,
      errors: failedCount ? { [kind]: failedCount } : {}, error_samples: failedCount ? { [kind]: options.errorMessage ?? 'HTTP 500 from server' } : {},
      reconnects: 0, qps: ok.length / durationS, error_rate: failedCount / n,
      output_tokens_per_s: outputTokens / durationS, total_tokens_per_s: (outputTokens + inputTokens) / durationS, input_tokens_per_s: inputTokens / durationS,
      packages_per_request: outputTokens / ok.length, input_tokens_per_request: inputTokens / n, output_tokens_per_request: outputTokens / ok.length,
      total_input_tokens: inputTokens, total_output_tokens: outputTokens, token_counts_estimated: false,
      latency_ms: summarizeUs(hist.latency_ms!), ttft_ms: summarizeUs(hist.ttft_ms!), tpot_ms: summarizeUs(hist.tpot_ms!), itl_ms: summarizeUs(hist.itl_ms!), queue_ms: summarizeUs(hist.queue_ms!),
    },
    histograms: Object.fromEntries(Object.entries(hist).map(([key, h]) => [key, encodeHistogram(h)])),
    timeseries,
    client: { event_loop_delay_ms: null, schedule_lag_ms: null, saturated: false, message: null },
  };
  return { result, records };
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Writes requests.csv as the engine does (header, then one row per request). */
export function writeRequestsCsv(dir: string, records: readonly RequestRecord[]): string {
  const columns = REQUESTS_CSV_HEADER.split(',') as Array<keyof RequestRecord>;
  const lines = [REQUESTS_CSV_HEADER, ...records.map((r) => columns.map((c) => cell(r[c])).join(','))];
  const path = join(dir, 'requests.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
