// Tools, tool_choice and the structured-output format as each API spells them in a request body.
import type { ResponseFormatSpec } from '../../workload/response-format.js';
import type { ToolSpec } from '../../workload/tools.js';

/** What a body builder is told about tools and output format (null: not sent). */
export interface ToolFields {
  tools: ToolSpec[] | null;
  /** auto | required | none | a tool's name. */
  toolChoice: string | null;
  responseFormat: ResponseFormatSpec | null;
}

const MODES = new Set(['auto', 'required', 'none']);

/** Chat completions: OpenAI's own shapes, which vLLM, SGLang and llama.cpp take as they are. */
export function chatToolFields(fields: ToolFields, body: Record<string, unknown>): void {
  if (fields.tools !== null) {
    body.tools = fields.tools;
    if (fields.toolChoice !== null) {
      body.tool_choice = MODES.has(fields.toolChoice) ? fields.toolChoice : { type: 'function', function: { name: fields.toolChoice } };
    }
  }
  if (fields.responseFormat !== null) {
    body.response_format = { type: 'json_schema', json_schema: { name: fields.responseFormat.name, schema: fields.responseFormat.schema, strict: true } };
  }
}

/** Responses API: tools are flat ({type, name, description, parameters}); the format goes in text.format. */
export function responsesToolFields(fields: ToolFields, body: Record<string, unknown>): void {
  if (fields.tools !== null) {
    body.tools = fields.tools.map(({ function: fn }) => ({ type: 'function', name: fn.name, description: fn.description, parameters: fn.parameters ?? { type: 'object', properties: {} }, strict: fn.strict }));
    if (fields.toolChoice !== null) body.tool_choice = MODES.has(fields.toolChoice) ? fields.toolChoice : { type: 'function', name: fields.toolChoice };
  }
  if (fields.responseFormat !== null) {
    body.text = { format: { type: 'json_schema', name: fields.responseFormat.name, schema: fields.responseFormat.schema, strict: true } };
  }
}

/** Anthropic Messages: {name, description, input_schema}; tool_choice auto / any (required) / none / {type: tool, name}. */
export function messagesToolFields(fields: ToolFields, body: Record<string, unknown>): void {
  if (fields.tools === null) return;
  body.tools = fields.tools.map(({ function: fn }) => ({ name: fn.name, description: fn.description, input_schema: fn.parameters ?? { type: 'object', properties: {} } }));
  const choice = fields.toolChoice;
  if (choice !== null) body.tool_choice = choice === 'required' ? { type: 'any' } : MODES.has(choice) ? { type: choice } : { type: 'tool', name: choice };
  // Structured outputs have no Messages equivalent llmperf sends: --response-format is refused with --api messages.
}
