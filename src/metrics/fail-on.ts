// `compare --fail-on` conditions: when NEW has moved too far from BASE, the comparison fails (exit 1).
//
// Grammar (the expression states the failure, so "failed > 0" fails when NEW has any failure):
//
//   condition := metric [ "." stat ] op value          metric and stat as in --slo (metric-value.ts)
//   op        := ">" | ">=" | "<" | "<="
//   value     := [ "+" | "-" ] number "%"              relative change of NEW against BASE, in percent
//              | ( "+" | "-" ) number                   absolute change NEW - BASE, in the metric's unit (sign required)
//              | number                                 NEW's own value
//
// Examples: "ttft_ms.p99 > +10%" (p99 TTFT grew by more than 10%), "output_tokens_per_s < -5%" (throughput fell
// by more than 5%), "tpot_ms.mean > +2" (mean TPOT grew by more than 2 ms), "failed > 0", "error_rate > 0.01".
// A relative change from a base of 0 is +Infinity% when NEW is above 0, 0% when NEW is also 0.
import { UsageError } from '../errors.js';
import { metricProblem, metricValue, splitMetric } from './metric-value.js';
import type { ResultDocument } from './schema.js';
import { compare, type Comparator } from './slo.js';

export interface FailOn {
  expression: string;
  metric: string;
  stat: string | null;
  op: Extract<Comparator, '<' | '<=' | '>' | '>='>;
  /** relative: percent change; delta: NEW - BASE; value: NEW itself. */
  kind: 'relative' | 'delta' | 'value';
  threshold: number;
}

export interface FailOnOutcome {
  expression: string;
  base: number | null;
  new: number | null;
  /** What was compared with the threshold: percent, difference or NEW's value. */
  observed: number | null;
  crossed: boolean;
}

const PATTERN = /^([a-z_][a-z0-9_]*(?:\.[a-z0-9_.]+)?)\s*(<=|>=|<|>)\s*([-+]?)((?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(%?)$/i;

export function parseFailOn(text: string): FailOn {
  const expression = text.trim();
  const bad = (why: string) => new UsageError(`--fail-on "${expression}": ${why} (examples: "ttft_ms.p99 > +10%", "failed > 0")`);
  const match = PATTERN.exec(expression);
  if (!match) throw bad('expected METRIC[.STAT] OP VALUE where VALUE is +N%, -N%, +N, -N or N');
  const { metric, stat } = splitMetric(match[1]!.toLowerCase());
  const problem = metricProblem(metric, stat, false);
  if (problem) throw bad(problem);
  const sign = match[3] === '-' ? -1 : 1;
  const kind = match[5] === '%' ? 'relative' : match[3] ? 'delta' : 'value';
  return { expression, metric, stat, op: match[2] as FailOn['op'], kind, threshold: sign * Number(match[4]) };
}

export function relativeChangePct(base: number, next: number): number {
  if (base === 0) return next === 0 ? 0 : next > 0 ? Infinity : -Infinity;
  return ((next - base) / Math.abs(base)) * 100;
}

/**
 * Evaluates one condition. A metric missing from either result is bad input (a typo or a result from a
 * different kind of run), so it throws a UsageError rather than silently passing.
 */
export function evaluateFailOn(condition: FailOn, base: ResultDocument, next: ResultDocument): FailOnOutcome {
  const baseValue = metricValue(base, condition.metric, condition.stat);
  const newValue = metricValue(next, condition.metric, condition.stat);
  if (newValue === null || (condition.kind !== 'value' && baseValue === null)) {
    const where = newValue === null ? 'NEW' : 'BASE';
    throw new UsageError(`--fail-on "${condition.expression}": ${where} result has no value for ${condition.metric}${condition.stat ? `.${condition.stat}` : ''}`);
  }
  const observed =
    condition.kind === 'value' ? newValue : condition.kind === 'delta' ? newValue - baseValue! : relativeChangePct(baseValue!, newValue);
  return { expression: condition.expression, base: baseValue, new: newValue, observed, crossed: compare(observed, condition.op, condition.threshold) };
}
