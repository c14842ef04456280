// The run report's headline: the dozen numbers and two verdicts a reader wants before any chart or table.
import { itlNote } from './token-level.js';
import type { DistributionSummary, ResultDocument } from '../metrics/schema.js';
import { formatNumber, type SloOutcome } from '../metrics/slo.js';

/** One headline figure; `tone` colours the verdicts (good, bad, warn) and stays neutral for plain numbers. */
export interface HeadlineItem {
  id: string;
  label: string;
  value: string;
  unit: string;
  tone?: 'good' | 'bad' | 'warn';
  /** A short line under the value (what it means or why the verdict). */
  detail?: string;
}

const stat = (result: ResultDocument, key: string, field: keyof DistributionSummary): string => {
  const summary = (result.summary as Record<string, unknown>)[key] as DistributionSummary | undefined | null;
  return summary && summary.count > 0 ? formatNumber(summary[field]) : '-';
};
const num = (value: unknown): string => (typeof value === 'number' && Number.isFinite(value) ? formatNumber(value) : '-');

/** The SLO verdict: passed, failed (how many of how many), or none set. */
function sloItem(result: ResultDocument): HeadlineItem {
  const outcomes = Array.isArray(result.slo) ? (result.slo as SloOutcome[]) : [];
  if (outcomes.length === 0) return { id: 'slo', label: 'SLOs', value: 'none set', unit: '', detail: 'add --slo "ttft_ms.p99 < 500"' };
  const failed = outcomes.filter((o) => !o.passed);
  return failed.length === 0
    ? { id: 'slo', label: 'SLOs', value: 'all met', unit: '', tone: 'good', detail: `${outcomes.length} threshold${outcomes.length === 1 ? '' : 's'}` }
    : { id: 'slo', label: 'SLOs', value: `${failed.length} of ${outcomes.length} missed`, unit: '', tone: 'bad', detail: failed.map((o) => o.expression).join('; ') };
}

/** The saturation detector's verdict on llmperf itself: did the client, not the server, limit the run? */
function saturationItem(result: ResultDocument): HeadlineItem {
  const client = result.client;
  if (!client) return { id: 'client', label: 'Load generator', value: 'not checked', unit: '' };
  if (client.saturated) return { id: 'client', label: 'Load generator', value: 'saturated', unit: '', tone: 'bad', detail: 'the client limited this run: see the note below' };
  if (client.message) return { id: 'client', label: 'Load generator', value: 'near saturation', unit: '', tone: 'warn', detail: 'client delay may be in the latencies' };
  return { id: 'client', label: 'Load generator', value: 'kept up', unit: '', tone: 'good', detail: 'the numbers measure the server' };
}

function errorsItem(result: ResultDocument): HeadlineItem {
  const s = result.summary;
  const failed = typeof s.failed === 'number' ? s.failed : 0;
  const ended = failed + (typeof s.succeeded === 'number' ? s.succeeded : 0);
  const top = Object.entries(s.errors ?? {}).sort((a, b) => b[1] - a[1])[0];
  return {
    id: 'errors', label: 'Errors', value: String(failed), unit: ended > 0 ? `of ${ended} (${((100 * failed) / ended).toFixed(1)}%)` : '',
    tone: failed === 0 ? 'good' : 'bad', detail: top ? `most often ${top[0]}` : undefined,
  };
}

/** ITL p99, named per chunk when chunks carry several tokens (with per token beside it when measured). */
function itlItem(result: ResultDocument): HeadlineItem {
  const item: HeadlineItem = { id: 'itl-p99', label: 'ITL p99', value: stat(result, 'itl_ms', 'p99'), unit: 'ms' };
  if (itlNote(result) === null) return item;
  const perToken = stat(result, 'itl_per_token_ms', 'p99');
  return { ...item, label: 'ITL p99, per chunk', ...(perToken !== '-' ? { detail: `per token: ${perToken} ms` } : {}) };
}

/** The headline items in reading order; embeddings runs (no tokens out) show latency and input tokens/s instead. */
export function headlineItems(result: ResultDocument): HeadlineItem[] {
  const s = result.summary;
  const latency: HeadlineItem[] =
    result.config.api === 'embeddings'
      ? [
          { id: 'e2e-p50', label: 'Latency p50', value: stat(result, 'latency_ms', 'p50'), unit: 'ms' },
          { id: 'e2e-p99', label: 'Latency p99', value: stat(result, 'latency_ms', 'p99'), unit: 'ms' },
          { id: 'input-tps', label: 'Input tokens/s', value: num(s.input_tokens_per_s), unit: 'tok/s' },
        ]
      : [
          { id: 'ttft-p50', label: 'TTFT p50', value: stat(result, 'ttft_ms', 'p50'), unit: 'ms' },
          { id: 'ttft-p99', label: 'TTFT p99', value: stat(result, 'ttft_ms', 'p99'), unit: 'ms' },
          { id: 'tpot-p50', label: 'TPOT p50', value: stat(result, 'tpot_ms', 'p50'), unit: 'ms' },
          { id: 'tpot-p99', label: 'TPOT p99', value: stat(result, 'tpot_ms', 'p99'), unit: 'ms' },
          itlItem(result),
          { id: 'e2e-p99', label: 'E2E latency p99', value: stat(result, 'latency_ms', 'p99'), unit: 'ms' },
          { id: 'output-tps', label: 'Output tokens/s', value: num(s.output_tokens_per_s), unit: 'tok/s' },
        ];
  return [...latency, { id: 'rps', label: 'Requests/s', value: num(s.qps), unit: 'req/s' }, errorsItem(result), sloItem(result), saturationItem(result)];
}
