// JSON Schema compilation with ajv, shared by the flag checks (a bad schema is a usage error) and the engine's output checks.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * One validator instance per thread. `strict: false`: schemas written for servers carry keywords ajv does not know
 * (OpenAI's `strict`, vendor extensions) and formats it has no checker for; those are ignored, as servers ignore them,
 * rather than refused. Formats are therefore not checked (documented in docs/workloads.md).
 */
let ajv: Ajv | null = null;
const instance = (): Ajv => (ajv ??= new Ajv({ strict: false, logger: false, allErrors: false, validateFormats: false }));

/** Compiled validators by schema text: a dataset whose 10,000 records carry the same tools compiles each schema once. */
const compiled = new Map<string, ValidateFunction>();
const MAX_CACHED = 1000;

/** Compiles a schema (once per distinct schema); throws an Error with ajv's message when it is not a valid schema. */
export function compileSchema(schema: unknown): ValidateFunction {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error('a JSON Schema must be a JSON object');
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = instance().compile(schema as Record<string, unknown>);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/** The first violation as one short line: "/location: must be string" (the root is "/"). */
export function firstViolation(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'does not match the schema';
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra = error.keyword === 'required' || error.keyword === 'additionalProperties' ? ` (${JSON.stringify(error.params)})` : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}
