// The console view of a result: the metric table with the user's row names, and a percentile table.
import Table from 'cli-table3';
import type { DistributionSummary, ResultDocument } from '../metrics/schema.js';
import { headlineBlock } from './console-headline.js';
import { dataWarnings } from './warnings.js';
import { prefixCacheLine } from './prefix-cache.js';
import { itlNote, speculativeLine } from './token-level.js';
import { outputCheckLines } from './output-checks.js';
import { imagesLine } from './images.js';
import { arrivalsLine, usersLine } from './load-lines.js';
import { breakdownConsole } from './breakdown.js';

/** Compact tables (no rule between rows); colour only on a terminal, never in files or pipes. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const style = () => (process.stdout.isTTY ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] });

const fixed = (value: number | null | undefined, digits = 2): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-');
/** A count that may be unknown (null) in results from servers that do not report it. */
const whole = (value: unknown): string => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '-');
const ms = (summary: DistributionSummary | undefined, field: keyof DistributionSummary = 'mean'): string =>
  summary && summary.count > 0 ? fixed(summary[field]) : '-';

/** The metric table: one row per metric the user named, with the result's key beside it. */
export function metricTable(result: ResultDocument): string {
  const s = result.summary;
  const table = new Table({ head: ['Metric', 'Value', 'Key in summary'], chars: COMPACT, style: style() });
  const errorText = Object.entries(s.errors)
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(', ');
  const rows: Array<[string, string, string]> = [
    ['Time (s)', fixed(s.duration_s), 'duration_s'],
    ['Expected number of requests', whole(s.expected_requests), 'expected_requests'],
    ['Concurrency', whole(s.concurrency), 'concurrency'],
    ['Completed', whole(s.completed), 'completed'],
    ['Succeed', whole(s.succeeded), 'succeeded'],
    ['Failed', errorText ? `${s.failed} (${errorText})` : whole(s.failed), 'failed'],
    ['QPS (req/s)', fixed(s.qps), 'qps'],
    ['Latency, mean (ms)', ms(s.latency_ms), 'latency_ms'],
    ['Time to first token, mean (ms)', ms(s.ttft_ms), 'ttft_ms'],
    ['Throughput (output tokens/s)', fixed(s.output_tokens_per_s), 'output_tokens_per_s'],
    ['Total throughput (tokens/s)', fixed(s.total_tokens_per_s), 'total_tokens_per_s'],
    ['Time per output token, mean (ms)', ms(s.tpot_ms), 'tpot_ms'],
    ['Packages per request', fixed(s.packages_per_request), 'packages_per_request'],
    ['Time per package, mean (ms)', ms(s.itl_ms), 'itl_ms'],
    ['Input tokens per request', fixed(s.input_tokens_per_request, 1), 'input_tokens_per_request'],
    ['Output tokens per request', fixed(s.output_tokens_per_request, 1), 'output_tokens_per_request'],
  ];
  if ((s.cancelled ?? 0) > 0) rows.splice(6, 0, ['Cancelled', whole(s.cancelled), 'cancelled']);
  if ((s.reconnects ?? 0) > 0) rows.push(['Reconnects (resent once)', whole(s.reconnects), 'reconnects']);
  if (typeof s.goodput === 'number') rows.push(['Goodput (req/s meeting every SLO)', fixed(s.goodput), 'goodput']);
  // Shown only when they differ: the client's count vs the server's usage, and max_tokens vs what came back.
  const clientInput = s.input_tokens_client_per_request;
  if (typeof clientInput === 'number' && clientInput !== s.input_tokens_per_request) {
    rows.push(["Input tokens per request, client's count", fixed(clientInput, 1), 'input_tokens_client_per_request']);
  }
  const askedOutput = s.output_tokens_requested_per_request;
  if (typeof askedOutput === 'number' && askedOutput !== s.output_tokens_per_request) {
    rows.push(['Output tokens per request, asked', fixed(askedOutput, 1), 'output_tokens_requested_per_request']);
  }
  table.push(...rows);
  return table.toString();
}

const PERCENTILE_ROWS: Array<[string, string]> = [
  ['TTFT', 'ttft_ms'],
  ['Latency', 'latency_ms'],
  ['TPOT', 'tpot_ms'],
  ['Time per package (ITL)', 'itl_ms'],
  ['ITL per token (gap / its tokens)', 'itl_per_token_ms'],
  ['Time to second token (TTST)', 'ttst_ms'],
  ['First-to-second gap', 'first_gap_ms'],
  ['Queue wait', 'queue_ms'],
  ['TTFT from intended send', 'ttft_from_intended_ms'],
  ['Latency from intended send', 'latency_from_intended_ms'],
  ['Time to first reasoning token', 'ttfrt_ms'],
  ['Time to first answer token', 'ttfat_ms'],
  ['TTFT, first turn', 'ttft_first_turn_ms'],
  ['TTFT, later turns', 'ttft_later_turns_ms'],
  ['TTFT, prefix-cache hit', 'ttft_cache_hit_ms'],
  ['TTFT, prefix-cache miss', 'ttft_cache_miss_ms'],
  ['Time to first tool-call byte', 'ttft_tool_call_ms'],
  ['Think time (a pause, not latency)', 'think_time_ms'],
  ['HTTP connect (new connections)', 'http_connect_ms'],
  ['HTTP response headers', 'http_headers_ms'],
  ['HTTP first body byte', 'http_first_byte_ms'],
];

/** Percentiles of every recorded distribution, in ms; empty distributions are left out. */
export function percentileTable(result: ResultDocument): string {
  const head = ['Percentiles (ms)', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'];
  const table = new Table({ head, chars: COMPACT, style: style() });
  // Embeddings have no tokens out: TTFT equals latency and TPOT/ITL mean nothing, so only latency and queueing show.
  const embeddings = result.config.api === 'embeddings';
  // Chunks of several tokens: the per-package row says it is per chunk (itlNote explains below the table).
  const perChunk = itlNote(result) !== null;
  for (const [label, key] of PERCENTILE_ROWS) {
    if (embeddings && !/^(latency|queue)/.test(key)) continue;
    const summary = result.summary[key] as DistributionSummary | undefined;
    if (!summary || summary.count === 0) continue;
    table.push([perChunk && key === 'itl_ms' ? 'Time per package (ITL per chunk)' : label, ...(['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const).map((field) => ms(summary, field))]);
  }
  return table.toString();
}

/** Which row names the console uses: vLLM's (`vllm bench serve`) with the seed's beside them, or the seed's table alone. */
export type ConsoleLabels = 'vllm' | 'seed';

/** The one-line diagnosis of a run in which no request succeeded, or null when some did. */
export function allFailedLine(result: ResultDocument): string | null {
  const s = result.summary;
  if (s.succeeded > 0 || s.failed === 0) return null;
  const [kind, count] = Object.entries(s.errors).sort((a, b) => b[1] - a[1])[0] ?? ['unknown', s.failed];
  const sample = (s.error_samples[kind] ?? '').replace(/\s+/g, ' ').trim();
  const shown = sample.length > 160 ? `${sample.slice(0, 159)}…` : sample;
  return `All ${s.failed} requests failed; most often ${kind} (${count})${shown ? `: ${shown}` : ''}`;
}

/** Everything the run command prints after a run (stdout), notes included. */
export function consoleReport(result: ResultDocument, labels: ConsoleLabels = 'vllm'): string {
  const failedLine = allFailedLine(result);
  // Nothing succeeded: a table of dashes and a saturation warning would only hide the one thing to fix.
  if (failedLine !== null) return failedLine;
  const lines = labels === 'seed' ? [metricTable(result), percentileTable(result)] : [headlineBlock(result), percentileTable(result)];
  // A --model mix or --url replicas: one table per split.
  lines.push(...breakdownConsole(result));
  const cache = prefixCacheLine(result);
  if (cache !== null) lines.push(cache);
  const spec = speculativeLine(result);
  if (spec !== null) lines.push(spec);
  const itl = itlNote(result);
  if (itl !== null) lines.push(`${itl.warning ? 'Warning' : 'Note'}: ${itl.text}`);
  lines.push(...outputCheckLines(result));
  const images = imagesLine(result);
  if (images !== null) lines.push(images);
  for (const line of [usersLine(result), arrivalsLine(result)]) if (line !== null) lines.push(line);
  if (result.summary.token_counts_estimated) {
    lines.push('Note: some token counts are estimates (the server sent no usage): 1 token per 4 characters.');
  }
  if (result.interrupted) lines.push('Note: the run was interrupted; the numbers cover what finished before it stopped.');
  if (result.client.message) lines.push(`Warning: ${result.client.message}`);
  for (const warning of dataWarnings(result)) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}
