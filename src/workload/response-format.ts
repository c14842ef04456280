// --response-format FILE: the JSON Schema every response must follow (structured outputs), read and compiled once.
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { compileSchema } from '../util/json-schema.js';
import { readJson } from './tools.js';

/** What is sent as `response_format: {type: "json_schema", json_schema: {name, schema, strict: true}}`. */
export interface ResponseFormatSpec {
  name: string;
  schema: Record<string, unknown>;
}

/**
 * The file is either a JSON Schema, or OpenAI's json_schema object `{"name", "schema", "strict"?}` (as copied from a
 * request). A bare schema is named after the file (letters, digits, _ and - only, as OpenAI requires).
 */
export function loadResponseFormatFile(path: string): ResponseFormatSpec {
  const value = readJson(path, '--response-format');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--response-format ${path}: must hold a JSON Schema object, e.g. {"type": "object", "properties": {...}}`);
  }
  const record = value as Record<string, unknown>;
  const wrapped = typeof record.name === 'string' && record.schema !== null && typeof record.schema === 'object' && !Array.isArray(record.schema);
  const schema = (wrapped ? record.schema : record) as Record<string, unknown>;
  const name = wrapped ? (record.name as string) : basename(path).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'response';
  try {
    compileSchema(schema);
  } catch (error) {
    throw new UsageError(`--response-format ${path}: not a usable JSON Schema: ${(error as Error).message}`);
  }
  return { name, schema };
}
