// Output checks: streamed tool calls, and tool arguments / structured outputs validated against their JSON Schemas.
export { checkOutput, INVALID_KINDS, OutputChecks, type InvalidKind, type OutputCheck } from './output-check.js';
export { chatToolCallFragments, MAX_CHECKED_CHARS, noteToolCallStart, ToolCallParts, wholeToolCalls } from './tool-calls.js';
export { addCheckTotals } from './totals.js';
