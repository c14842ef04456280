// Tool calls and structured outputs in the simulator: what a request asks for, the JSON it gets, and (seeded) broken JSON.
import type { MockConfig } from './options.js';
import { breakSchema, exampleFor } from './schema-example.js';
import { hash32, mulberry32 } from './tokens.js';

/** The reply a request gets instead of pseudo-words: one tool call, or an answer in the requested JSON Schema. */
export interface StructuredReply {
  kind: 'tool' | 'json';
  /** The JSON text streamed (tool-call arguments, or the answer); invalid when `corrupted`. */
  text: string;
  /** Set when the simulator broke the output on purpose: 'not_json' (cut short) or 'schema_violation'. */
  corrupted: 'not_json' | 'schema_violation' | null;
  /** A tool call's name and id (kind 'tool'). */
  name?: string;
  callId?: string;
}

interface ToolDef {
  name: string;
  parameters: unknown;
}

/** Tools as any of the three APIs spell them: chat {type, function:{name, parameters}}, Responses {name, parameters}, Messages {name, input_schema}. */
function toolsOf(body: Record<string, unknown>): ToolDef[] {
  if (!Array.isArray(body.tools)) return [];
  const out: ToolDef[] = [];
  for (const tool of body.tools as Array<Record<string, unknown>>) {
    if (tool === null || typeof tool !== 'object') continue;
    const fn = tool.function !== null && typeof tool.function === 'object' ? (tool.function as Record<string, unknown>) : tool;
    if (typeof fn.name !== 'string' || (tool.type !== undefined && tool.type !== 'function' && tool.type !== 'custom')) continue;
    out.push({ name: fn.name, parameters: fn.parameters ?? tool.input_schema ?? { type: 'object', properties: {} } });
  }
  return out;
}

/** tool_choice in any API's spelling: 'none', a forced tool name, or null (auto / required: the simulator always calls one). */
function choiceOf(body: Record<string, unknown>): string | null {
  const choice = body.tool_choice as unknown;
  if (choice === 'none') return 'none';
  if (choice === null || typeof choice !== 'object') return null;
  const c = choice as { type?: unknown; name?: unknown; function?: { name?: unknown } };
  if (c.type === 'none') return 'none';
  if (typeof c.function?.name === 'string') return c.function.name;
  return typeof c.name === 'string' ? c.name : null;
}

/** The response format's schema: chat response_format json_schema, or Responses text.format. */
function schemaOf(body: Record<string, unknown>): unknown | null {
  const format = body.response_format as { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  if (format && format.type === 'json_schema' && format.json_schema && typeof format.json_schema.schema === 'object') return format.json_schema.schema;
  const text = body.text as { format?: { type?: unknown; schema?: unknown } } | undefined;
  if (text && text.format && text.format.type === 'json_schema' && typeof text.format.schema === 'object') return text.format.schema;
  return null;
}

/**
 * The structured reply for a request, or null for ordinary text. Tools win over a response format (a model calls a
 * tool first). The value is seeded by the prompt (`rand`); whether it is broken is a seeded draw per structured
 * request in arrival order (`ordinal`) against --tool-invalid-rate / --schema-invalid-rate.
 */
export function structuredReply(config: Pick<MockConfig, 'seed' | 'toolInvalidRate' | 'schemaInvalidRate'>, body: Record<string, unknown>, rand: () => number, ordinal: number, callNo: number): StructuredReply | null {
  const tools = toolsOf(body);
  const choice = choiceOf(body);
  if (tools.length > 0 && choice !== 'none') {
    const tool = tools.find((t) => t.name === choice) ?? tools[Math.floor(rand() * tools.length)]!;
    const reply = build(exampleFor(tool.parameters, rand), tool.parameters, config.toolInvalidRate, config.seed, ordinal);
    return { kind: 'tool', ...reply, name: tool.name, callId: `call_${callNo.toString(16).padStart(8, '0')}` };
  }
  const schema = schemaOf(body);
  if (schema === null) return null;
  return { kind: 'json', ...build(exampleFor(schema, rand), schema, config.schemaInvalidRate, config.seed, ordinal) };
}

function build(value: unknown, schema: unknown, rate: number, seed: number, ordinal: number): Pick<StructuredReply, 'text' | 'corrupted'> {
  const draw = mulberry32(hash32(`structured:${ordinal}`, seed));
  if (rate <= 0 || draw() >= rate) return { text: JSON.stringify(value), corrupted: null };
  // Half the broken outputs stay JSON and break the schema (where the schema has something to break); the rest are cut short.
  const broken = draw() < 0.5 ? breakSchema(value, schema) : null;
  if (broken !== null) return { text: JSON.stringify(broken), corrupted: 'schema_violation' };
  const text = JSON.stringify(value);
  const cut = text.slice(0, Math.max(1, text.length - 1));
  // A cut number ("12" from "123") is still JSON: such values get a stray comma instead.
  return { text: parses(cut) ? `${text},` : cut, corrupted: 'not_json' };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
