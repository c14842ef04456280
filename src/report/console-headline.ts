// The console's headline block in the words of `vllm bench serve`, with llmperf's own (seed) name beside each row.
import Table from 'cli-table3';
import type { DistributionSummary, ResultDocument } from '../metrics/schema.js';
import { itlNote, tokensPerChunk } from './token-level.js';

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const style = () => (process.stdout.isTTY ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] });

const number = (value: unknown, digits = 2): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-');
const dist = (value: unknown): DistributionSummary | null => {
  const summary = value as DistributionSummary | undefined | null;
  return summary && typeof summary === 'object' && summary.count > 0 ? summary : null;
};

/** One row: vLLM's label, the value, and where llmperf's metric table and result.json have it. */
type Row = [label: string, value: string, seed: string];

/** Mean, median and p99 of one distribution as vLLM prints them (`Mean TTFT (ms)`), when it holds values. */
function latencyRows(name: string, summary: DistributionSummary | null, seed: string, key: string): Row[] {
  if (summary === null) return [];
  return [
    [`Mean ${name} (ms)`, number(summary.mean), `${seed}, mean (${key}.mean)`],
    [`Median ${name} (ms)`, number(summary.p50), `${key}.p50`],
    [`P99 ${name} (ms)`, number(summary.p99), `${key}.p99`],
  ];
}

/** The rows of the headline; embeddings runs have no tokens out, so latency and input tokens/s stand in. */
export function headlineRows(result: ResultDocument): Row[] {
  const s = result.summary;
  const failed = typeof s.failed === 'number' && s.failed > 0 ? [['Failed requests', String(s.failed), 'Failed (failed)'] as Row] : [];
  const rows: Row[] = [
    ['Successful requests', typeof s.succeeded === 'number' ? String(s.succeeded) : '-', 'Succeed (succeeded)'],
    ...failed,
    ['Benchmark duration (s)', number(s.duration_s), 'Time (s) (duration_s)'],
    ['Total input tokens', typeof s.total_input_tokens === 'number' ? String(s.total_input_tokens) : '-', 'total_input_tokens'],
  ];
  if (result.config.api === 'embeddings') {
    rows.push(
      ['Request throughput (req/s)', number(s.qps), 'QPS (qps)'],
      ['Input token throughput (tok/s)', number(s.input_tokens_per_s), 'input_tokens_per_s'],
      ...latencyRows('E2EL', dist(s.latency_ms), 'Latency', 'latency_ms'),
    );
    return rows;
  }
  rows.push(
    ['Total generated tokens', typeof s.total_output_tokens === 'number' ? String(s.total_output_tokens) : '-', 'total_output_tokens'],
    ['Request throughput (req/s)', number(s.qps), 'QPS (qps)'],
    ['Output token throughput (tok/s)', number(s.output_tokens_per_s), 'Throughput (output_tokens_per_s)'],
    ['Total token throughput (tok/s)', number(s.total_tokens_per_s), 'Total throughput (total_tokens_per_s)'],
  );
  if (typeof s.goodput === 'number') rows.push(['Request goodput (req/s)', number(s.goodput), 'goodput']);
  rows.push(
    ...latencyRows('TTFT', dist(s.ttft_ms), 'Time to first token', 'ttft_ms'),
    ...latencyRows('TPOT', dist(s.tpot_ms), 'Time per output token', 'tpot_ms'),
    // Chunks of several tokens (speculative decoding, stream intervals): say the ITL rows are per chunk, and add per token when known.
    ...latencyRows(itlNote(result) === null ? 'ITL' : 'ITL per chunk', dist(s.itl_ms), 'Time per package', 'itl_ms'),
    ...latencyRows('ITL per token', dist(s.itl_per_token_ms), 'ITL per token', 'itl_per_token_ms'),
    ...latencyRows('E2EL', dist(s.latency_ms), 'Latency', 'latency_ms'),
  );
  const chunk = tokensPerChunk(result);
  if (chunk?.measured) rows.push(['Mean tokens per chunk', number(chunk.mean), 'tokens_per_package.mean']);
  rows.push(['Packages per request', number(s.packages_per_request), 'packages_per_request']);
  return rows;
}

/** The compact headline table printed after a run (`--labels seed` prints the seed's metric table instead). */
export function headlineBlock(result: ResultDocument): string {
  const table = new Table({ head: ['Result', 'Value', 'llmperf name (key)'], chars: COMPACT, style: style() });
  table.push(...headlineRows(result));
  return table.toString();
}
