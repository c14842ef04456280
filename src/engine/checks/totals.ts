// Adds one succeeded request's check outcome to the run's totals (summable counters; merge adds them like any other).
import type { RunTotals } from '../../metrics/summary.js';
import type { RequestState } from '../request-state.js';

const bumpKind = (counts: Record<string, number>, kind: string): void => {
  counts[kind] = (counts[kind] ?? 0) + 1;
};

export function addCheckTotals(totals: RunTotals, state: RequestState): void {
  if (state.toolCallCount >= 0) {
    totals.tool_call_requests = (totals.tool_call_requests ?? 0) + 1;
    totals.tool_calls = (totals.tool_calls ?? 0) + state.toolCallCount;
    totals.tool_calls_invalid = (totals.tool_calls_invalid ?? 0) + state.toolCallsInvalid;
    if (state.toolCallCount === 0) totals.requests_without_tool_call = (totals.requests_without_tool_call ?? 0) + 1;
    const kinds = (totals.tool_call_invalid_kinds ??= {});
    for (const kind of state.toolCallInvalidKinds ?? []) bumpKind(kinds, kind);
  }
  // A response format in play shows in the summary even when no answer had text to check (schema_valid_rate null).
  if (state.outputCheck?.schema) totals.schema_checked ??= 0;
  if (state.schemaValid !== null) {
    totals.schema_checked = (totals.schema_checked ?? 0) + 1;
    const kinds = (totals.schema_invalid_kinds ??= {});
    if (!state.schemaValid) {
      totals.schema_invalid = (totals.schema_invalid ?? 0) + 1;
      bumpKind(kinds, state.schemaInvalidKind ?? 'schema_violation');
    } else totals.schema_invalid ??= 0;
  }
}
