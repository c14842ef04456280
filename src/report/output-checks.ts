// One line each for the run's tool calls and structured outputs (valid share, invalid ones by kind), from the result document only.
import type { ResultDocument } from '../metrics/schema.js';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const kinds = (counts: Record<string, number> | undefined): string => {
  // By name: the same run prints the same line whatever order its requests ended in.
  const entries = Object.entries(counts ?? {}).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '' : ` (${entries.map(([kind, n]) => `${kind}: ${n}`).join(', ')})`;
};

/** Empty when the run checked neither tool calls nor a response format. */
export function outputCheckLines(result: ResultDocument): string[] {
  const s = result.summary;
  const lines: string[] = [];
  if (s.tool_call_valid_rate !== undefined) {
    const calls = s.tool_calls ?? 0;
    const valid = s.tool_call_valid_rate === null ? 'no call was made' : `${pct(s.tool_call_valid_rate)} valid (tool_call_valid_rate)`;
    const without = s.requests_without_tool_call ? `; ${s.requests_without_tool_call} requests made no call` : '';
    lines.push(`Tool calls: ${calls} in ${s.succeeded} requests, ${valid}; ${s.tool_calls_invalid ?? 0} invalid${kinds(s.tool_call_invalid_kinds)}${without}`);
  }
  if (s.schema_valid_rate !== undefined) {
    const valid = s.schema_valid_rate === null ? 'none checked' : `${pct(s.schema_valid_rate)} valid (schema_valid_rate)`;
    lines.push(`Structured outputs: ${s.schema_checked ?? 0} answers checked against --response-format, ${valid}; ${s.schema_invalid ?? 0} invalid${kinds(s.schema_invalid_kinds)}`);
  }
  return lines;
}
