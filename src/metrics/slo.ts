// SLO thresholds (`--slo`): parse, evaluate against a result, print pass/fail, and the per-request form behind goodput.
//
// Grammar (one threshold per --slo, k6-style: the expression states what must hold):
//
//   slo        := metric [ "." stat ] [ "{" part "}" ] op number
//   metric     := a summary key: error_rate, failed, qps, goodput, output_tokens_per_s, ... (see metric-value.ts)
//               | a distribution: ttft_ms, tpot_ms, itl_ms, latency_ms, queue_ms, ...
//               | "errors" "." error-kind          (the count of one error kind)
//   stat       := mean | stdev | min | max | count | p50 | p90 | p95 | p99 | p999 | pNN   (p99.9 = p999)
//   op         := "<" | "<=" | ">" | ">=" | "==" | "!="
//   number     := a decimal number in the metric's unit (ms for *_ms, a fraction for *_rate)
//   part       := ( "model" | "url" ) ( "=" | ":" ) name   (one model of a --model mix, one --url replica: by_model / by_url)
//
// Examples: "ttft_ms.p99 < 500", "error_rate < 0.01", "failed == 0", "output_tokens_per_s > 100".
// A distribution without a statistic is a per-request threshold ("ttft_ms < 1000", "tpot_ms < 50"): every
// successful request must meet it, and goodput counts the requests per second that met all of them
// (vLLM's --goodput, DistServe). Per-request thresholds accept ttft_ms, tpot_ms, latency_ms and queue_ms.
// A part ("ttft_ms.p99{model=llama-8b} < 500", k6's tag filter in spirit) holds one model or replica to its own
// threshold; its name is taken as written (case kept), and a run without that part fails the threshold (no value).
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { metricProblem, metricValue, splitMetric } from './metric-value.js';
import type { RequestRecord, ResultDocument } from './schema.js';

export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Slo {
  /** The text as the user wrote it (trimmed). */
  expression: string;
  metric: string;
  stat: string | null;
  op: Comparator;
  threshold: number;
  /** True for a bare distribution name: judged per request and used for goodput. */
  per_request: boolean;
  /** `{model=NAME}` / `{url=URL}`: judged on that part of the run (by_model / by_url) instead of the whole. */
  part?: SloPart;
}

export interface SloPart {
  key: 'by_model' | 'by_url';
  name: string;
}

/** What `result.slo` holds: one entry per threshold. */
export interface SloOutcome {
  expression: string;
  metric: string;
  stat: string | null;
  op: Comparator;
  threshold: number;
  /** The measured value; for a per-request threshold the worst request's. Null when the run has no such value. */
  actual: number | null;
  passed: boolean;
  per_request: boolean;
  /** Per-request thresholds with request records: share of finished requests that met it (failures never do). */
  met_share: number | null;
  /** The model or replica it held to its own threshold. */
  part?: SloPart;
}

export const PER_REQUEST_METRICS = ['ttft_ms', 'tpot_ms', 'latency_ms', 'queue_ms'] as const;

const PATTERN = /^([a-z_][a-z0-9_]*(?:\.[a-z0-9_.]+)?)\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i;

export function compare(actual: number, op: Comparator, threshold: number): boolean {
  switch (op) {
    case '<': return actual < threshold;
    case '<=': return actual <= threshold;
    case '>': return actual > threshold;
    case '>=': return actual >= threshold;
    case '==': return actual === threshold;
    case '!=': return actual !== threshold;
  }
}

export function parseSlo(text: string): Slo {
  const expression = text.trim();
  const bad = (why: string) => new UsageError(`--slo "${expression}": ${why} (example: --slo "ttft_ms.p99 < 500")`);
  // The part is cut out first: a model name or a URL keeps its case and may hold any character but "}".
  const selector = /^([^{]*)\{\s*(model|url)\s*[=:]\s*([^}]*?)\s*\}(.*)$/i.exec(expression);
  const part: SloPart | undefined = selector ? { key: selector[2]!.toLowerCase() === 'model' ? 'by_model' : 'by_url', name: selector[3]! } : undefined;
  if (part !== undefined && part.name === '') throw bad(`give the ${part.key === 'by_model' ? 'model' : 'url'} after "=", e.g. ttft_ms.p99{model=my-model}`);
  const match = PATTERN.exec(selector ? `${selector[1]!.trim()} ${selector[4]!.trim()}` : expression);
  if (!match) throw bad('expected METRIC[.STAT] OP NUMBER');
  const { metric, stat } = splitMetric(match[1]!.toLowerCase());
  const problem = metricProblem(metric, stat, true);
  if (problem) throw bad(problem);
  const perRequest = stat === null && (PER_REQUEST_METRICS as readonly string[]).includes(metric);
  if (stat === null && !perRequest && metricProblem(metric, null, false) !== null) {
    throw bad(`per-request thresholds accept ${PER_REQUEST_METRICS.join(', ')}; use a statistic such as ${metric}.p99`);
  }
  if (part !== undefined && perRequest) throw bad(`a threshold on one ${part.key === 'by_model' ? 'model' : 'url'} takes a statistic, e.g. ${metric}.p99{${part.key === 'by_model' ? 'model' : 'url'}=${part.name}}`);
  return { expression, metric, stat, op: match[2] as Comparator, threshold: Number(match[3]), per_request: perRequest, ...(part ? { part } : {}) };
}

/** A request's value for a per-request metric. TPOT needs two output tokens; with fewer it is null (met, as in vLLM). */
export function requestValue(record: RequestRecord, metric: string): number | null {
  switch (metric) {
    case 'ttft_ms': return record.ttft_ms;
    case 'latency_ms': return record.latency_ms;
    case 'queue_ms': return record.queue_ms;
    case 'tpot_ms':
      if (record.latency_ms === null || record.ttft_ms === null || record.output_tokens < 2) return null;
      return (record.latency_ms - record.ttft_ms) / (record.output_tokens - 1);
    default: return null;
  }
}

/** True when a successful request met every per-request threshold (others in the list are ignored). */
export function requestMeetsSlos(record: RequestRecord, perRequestSlos: readonly Slo[]): boolean {
  if (!record.ok) return false;
  for (const slo of perRequestSlos) {
    if (!slo.per_request) continue;
    const value = requestValue(record, slo.metric);
    if (value === null) {
      if (slo.metric === 'tpot_ms') continue;
      return false;
    }
    if (!compare(value, slo.op, slo.threshold)) return false;
  }
  return true;
}

/** Requests per second that met every per-request threshold; null when there is none. */
export function goodput(records: readonly RequestRecord[], slos: readonly Slo[], durationS: number): number | null {
  const perRequest = slos.filter((slo) => slo.per_request);
  if (perRequest.length === 0) return null;
  if (!(durationS > 0)) return 0;
  return records.filter((record) => requestMeetsSlos(record, perRequest)).length / durationS;
}

export function evaluateSlos(result: ResultDocument, slos: readonly Slo[], records?: readonly RequestRecord[]): SloOutcome[] {
  return slos.map((slo) => {
    let actual: number | null;
    let metShare: number | null = null;
    if (slo.per_request) {
      // Every successful request must meet it: the worst one decides, in the direction the operator looks.
      const worst = slo.op === '>' || slo.op === '>=' ? 'min' : 'max';
      actual = metricValue(result, slo.metric, worst);
      if (records && records.length > 0) metShare = records.filter((r) => requestMeetsSlos(r, [slo])).length / records.length;
    } else {
      const source = slo.part ? partOf(result, slo.part) : result;
      actual = source === null ? null : metricValue(source, slo.metric, slo.stat);
    }
    const passed = actual !== null && compare(actual, slo.op, slo.threshold);
    return { expression: slo.expression, metric: slo.metric, stat: slo.stat, op: slo.op, threshold: slo.threshold, actual, passed, per_request: slo.per_request, met_share: metShare, ...(slo.part ? { part: slo.part } : {}) };
  });
}

/** One model's or replica's part of a result, readable as a result (its summary and histograms); null when absent. */
function partOf(result: ResultDocument, part: SloPart): ResultDocument | null {
  const entry = (result[part.key] as Record<string, { summary: ResultDocument['summary']; histograms: ResultDocument['histograms'] }> | undefined)?.[part.name];
  return entry ? { ...result, summary: entry.summary, histograms: entry.histograms } : null;
}

export function allPassed(outcomes: readonly SloOutcome[]): boolean {
  return outcomes.every((outcome) => outcome.passed);
}

export function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** The pass/fail table printed at the end of a run (k6's threshold summary). */
export function sloTable(outcomes: readonly SloOutcome[]): string {
  const table = new Table({ head: ['SLO', 'actual', 'result'], style: { head: [], border: [] } });
  for (const outcome of outcomes) {
    const actual = outcome.per_request
      ? `${formatNumber(outcome.actual)} worst${outcome.met_share === null ? '' : `, ${(outcome.met_share * 100).toFixed(1)}% met`}`
      : formatNumber(outcome.actual);
    table.push([outcome.expression, actual, outcome.passed ? 'PASS' : 'FAIL']);
  }
  return table.toString();
}

