// Tool definitions (--tools FILE, a dataset record's "tools") and --tool-choice: read and checked once, at the edge.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { compileSchema } from '../util/json-schema.js';

/** One tool as OpenAI's chat API takes it; `parameters` is a JSON Schema of the arguments object. */
export interface ToolSpec {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** auto | required | none, or the name of one tool the model must call. */
export type ToolChoice = string;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a tools array; returns the tools, or one line saying what is wrong (the caller adds where). Each tool's
 * parameters schema is compiled once here, so a schema ajv cannot compile is refused before any request.
 */
export function checkTools(value: unknown): ToolSpec[] | string {
  if (!Array.isArray(value) || value.length === 0) return '"tools" must be a non-empty array of {"type": "function", "function": {"name", "parameters"}}';
  const names = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const tool = value[i] as { type?: unknown; function?: { name?: unknown; parameters?: unknown } } | null;
    const where = `tool ${i + 1}`;
    if (!tool || typeof tool !== 'object' || tool.type !== 'function' || !tool.function || typeof tool.function !== 'object') {
      return `${where}: must be {"type": "function", "function": {"name": ..., "parameters": {...}}} (OpenAI's tool format)`;
    }
    const name = tool.function.name;
    if (typeof name !== 'string' || !NAME.test(name)) return `${where}: "function.name" must be 1-64 letters, digits, _ or -`;
    if (names.has(name)) return `${where}: the name "${name}" is used twice`;
    names.add(name);
    const parameters = tool.function.parameters;
    if (parameters !== undefined) {
      try {
        compileSchema(parameters);
      } catch (error) {
        return `${where} (${name}): "function.parameters" is not a usable JSON Schema: ${(error as Error).message}`;
      }
    }
  }
  return value as ToolSpec[];
}

/** Reads --tools FILE: a JSON array of OpenAI tool schemas. */
export function loadToolsFile(path: string): ToolSpec[] {
  const value = readJson(path, '--tools');
  const tools = checkTools(value);
  if (typeof tools === 'string') throw new UsageError(`--tools ${path}: ${tools}`);
  return tools;
}

/** --tool-choice: auto, required, none, or a tool's name (which must be among the tools sent). */
export function parseToolChoice(text: string | undefined, tools: ToolSpec[] | null): ToolChoice | null {
  if (text === undefined) return null;
  if (text === 'auto' || text === 'required' || text === 'none') return text;
  if (!NAME.test(text)) throw new UsageError(`--tool-choice ${text}: use auto, required, none or the name of a tool`);
  if (tools !== null && !tools.some((tool) => tool.function.name === text)) {
    throw new UsageError(`--tool-choice ${text}: no tool of that name in --tools (it has ${tools.map((tool) => tool.function.name).join(', ')})`);
  }
  return text;
}

export function readJson(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${flag} ${path}: cannot read the file; check the path`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${(error as Error).message})`);
  }
}
