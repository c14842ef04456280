// The checks a response's output gets once, at the request's end: tool-call arguments and structured outputs against their schemas.
import type { ValidateFunction } from 'ajv';
import { compileSchema, firstViolation } from '../../util/json-schema.js';
import type { ResponseFormatSpec } from '../../workload/response-format.js';
import type { ToolSpec } from '../../workload/tools.js';
import type { Prompt } from '../../workload/prompts.js';
import type { RequestState } from '../request-state.js';
import { MAX_CHECKED_CHARS, ToolCallParts } from './tool-calls.js';

/** Why an output failed its check: the kind is counted in the summary, the detail goes to requests.csv. */
export const INVALID_KINDS = ['not_json', 'schema_violation', 'unknown_tool', 'too_large'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** What one request's output is checked against (compiled once per distinct tool set, shared by its requests). */
export interface OutputCheck {
  /** Tool name to its arguments validator (null: the tool has no parameters schema; any JSON object passes). */
  tools: Map<string, ValidateFunction | null> | null;
  schema: ValidateFunction | null;
}

/** A run's checks: the response format's validator, and one check per distinct tools array (--tools or a record's). */
export class OutputChecks {
  private readonly schema: ValidateFunction | null;
  private readonly byTools = new Map<ToolSpec[], OutputCheck>();
  private readonly plain: OutputCheck | null;

  constructor(
    private readonly tools: ToolSpec[] | null,
    private readonly toolChoice: string | null,
    responseFormat: ResponseFormatSpec | null,
  ) {
    // Schemas were compiled (and refused when broken) when the flags and dataset were read: this compile is a cache hit.
    this.schema = responseFormat === null ? null : compileSchema(responseFormat.schema);
    this.plain = this.schema === null ? null : { tools: null, schema: this.schema };
  }

  /** The check for a prompt (null: nothing to check); a prompt's own tools take the place of --tools. */
  forPrompt(prompt: Prompt): OutputCheck | null {
    const tools = prompt.tools ?? this.tools;
    // tool_choice none: the model is told not to call a tool, so there are no calls to check.
    if (tools === null || this.toolChoice === 'none') return this.plain;
    let check = this.byTools.get(tools);
    if (check === undefined) {
      const validators = new Map<string, ValidateFunction | null>();
      for (const tool of tools) validators.set(tool.function.name, tool.function.parameters === undefined ? null : compileSchema(tool.function.parameters));
      check = { tools: validators, schema: this.schema };
      this.byTools.set(tools, check);
    }
    return check;
  }

  /** Readies a request about to be sent: what its stream must keep for the end-of-request check. */
  prepare(state: RequestState, prompt: Prompt): void {
    const check = this.forPrompt(prompt);
    if (check === null) return;
    state.outputCheck = check;
    if (check.tools !== null) state.toolCalls = new ToolCallParts();
    if (check.schema !== null) {
      state.contentPieces ??= [];
      state.maxKeptChars = MAX_CHECKED_CHARS;
    }
  }
}

/** Runs a finished, successful request's checks (once, off the per-chunk path); the outcome lands in its state. */
export function checkOutput(state: RequestState): void {
  const check = state.outputCheck;
  if (check === null || state.errorKind !== null) return;
  if (check.tools !== null) checkToolCalls(state, check.tools);
  // An answer that is only tool calls has no text to hold to the response format: it is not checked against it.
  const onlyToolCalls = state.toolCallCount > 0 && (state.contentPieces?.length ?? 0) === 0;
  if (check.schema !== null && !onlyToolCalls) checkStructured(state, check.schema);
}

function noteInvalid(state: RequestState, kind: InvalidKind, detail: string): InvalidKind {
  state.outputInvalidReason ??= `${kind}: ${detail}`.slice(0, 200);
  return kind;
}

function checkToolCalls(state: RequestState, validators: Map<string, ValidateFunction | null>): void {
  const parts = state.toolCalls;
  state.toolCallCount = 0;
  if (parts === null) return;
  for (let i = 0; i < parts.args.length; i++) {
    const args = parts.args[i];
    if (args === undefined) continue;
    state.toolCallCount++;
    const kind = toolCallProblem(state, parts, i, args, validators);
    if (kind !== null) {
      state.toolCallsInvalid++;
      (state.toolCallInvalidKinds ??= []).push(kind);
    }
  }
}

function toolCallProblem(state: RequestState, parts: ToolCallParts, i: number, args: string, validators: Map<string, ValidateFunction | null>): InvalidKind | null {
  const name = parts.names[i];
  if (parts.overCap) return noteInvalid(state, 'too_large', `the arguments passed ${MAX_CHECKED_CHARS} characters`);
  if (name === undefined || !validators.has(name)) return noteInvalid(state, 'unknown_tool', `call ${i} names ${name === undefined ? 'no tool' : JSON.stringify(name)}`);
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch (error) {
    return noteInvalid(state, 'not_json', `${name} arguments: ${(error as Error).message}`);
  }
  const validate = validators.get(name);
  if (validate === null || validate === undefined) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : noteInvalid(state, 'schema_violation', `${name} arguments: not a JSON object`);
  }
  return validate(value) ? null : noteInvalid(state, 'schema_violation', `${name} arguments ${firstViolation(validate.errors)}`);
}

function checkStructured(state: RequestState, validate: ValidateFunction): void {
  state.schemaValid = false;
  if (state.contentChars > state.maxKeptChars) {
    state.schemaInvalidKind = noteInvalid(state, 'too_large', `the response passed ${MAX_CHECKED_CHARS} characters`);
    return;
  }
  const text = (state.contentPieces ?? []).join('');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    state.schemaInvalidKind = noteInvalid(state, 'not_json', `response: ${(error as Error).message}`);
    return;
  }
  if (validate(value)) state.schemaValid = true;
  else state.schemaInvalidKind = noteInvalid(state, 'schema_violation', `response ${firstViolation(validate.errors)}`);
}
