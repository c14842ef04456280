// A seeded value that follows a JSON Schema (what the simulator "generates" for tool arguments and structured outputs),
// and a seeded way to break one (the simulator's invalid outputs, so tests know the truth).
import { VOCABULARY } from './tokens.js';

type Schema = Record<string, unknown>;
type Random = () => number;

const MAX_DEPTH = 6;

const words = (rand: Random, min: number, max: number): string => {
  const n = min + Math.floor(rand() * (max - min + 1));
  let text = '';
  for (let i = 0; i < n; i++) text += VOCABULARY[Math.floor(rand() * VOCABULARY.length)]!;
  return text.trim();
};

/** Local `#/$defs/x` and `#/definitions/x` references (the only kind tool schemas use in practice). */
function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 8; hops++) {
    const path = (current.$ref as string).replace(/^#\/?/, '').split('/').filter(Boolean);
    let target: unknown = root;
    for (const part of path) target = target !== null && typeof target === 'object' ? (target as Schema)[part] : undefined;
    if (target === null || typeof target !== 'object') return {};
    current = target as Schema;
  }
  return current;
}

const typeOf = (schema: Schema): string | undefined => {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  if (typeof type === 'string') return type;
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
};

/** A value valid against `schema` (for the keywords tool and structured-output schemas use), drawn from `rand`. */
export function exampleFor(schema: unknown, rand: Random, root: Schema = schema as Schema, depth = 0): unknown {
  if (schema === null || typeof schema !== 'object') return {};
  const s = resolve(schema as Schema, root);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(rand() * s.enum.length)];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return exampleFor(options[0], rand, root, depth + 1);
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return exampleFor({ ...(s.allOf as Schema[]).reduce((a, b) => ({ ...a, ...b }), {}) }, rand, root, depth + 1);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth >= MAX_DEPTH) return out;
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      for (const [name, property] of Object.entries(properties)) out[name] = exampleFor(property, rand, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const max = Math.max(min, typeof s.maxItems === 'number' ? Math.min(s.maxItems, min + 2) : min + 1);
      const n = depth >= MAX_DEPTH ? min : min + Math.floor(rand() * (max - min + 1));
      return Array.from({ length: n }, () => exampleFor(s.items ?? {}, rand, root, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : min + 100;
      const value = min + rand() * (max - min);
      return typeOf(s) === 'integer' ? Math.min(Math.floor(max), Math.ceil(value)) : Math.round(value * 100) / 100;
    }
    case 'boolean':
      return rand() < 0.5;
    case 'null':
      return null;
    case 'string': {
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      let text = words(rand, 1, 3);
      while (text.length < minLength) text += ' ' + words(rand, 1, 1);
      return typeof s.maxLength === 'number' ? text.slice(0, s.maxLength) : text;
    }
    default:
      return words(rand, 1, 2);
  }
}

/** A value of the wrong JSON type for a property of this type (a schema violation a validator must catch). */
const wrongTypeFor = (type: string | undefined): unknown => (type === 'string' ? 12345 : type === 'object' || type === 'array' ? 'not-an-object' : 'not-a-number');

/**
 * `value` made to break `schema` while staying JSON: the first typed property gets a value of the wrong type, or a
 * required one is dropped. Null when the schema constrains nothing it could break (then the caller cuts the JSON).
 */
export function breakSchema(value: unknown, schema: unknown): unknown | null {
  if (schema === null || typeof schema !== 'object' || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const s = resolve(schema as Schema, schema as Schema);
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  for (const [name, property] of Object.entries(properties)) {
    const resolved = resolve(property ?? {}, schema as Schema);
    const type = typeOf(resolved);
    if (type !== undefined || Array.isArray(resolved.enum)) return { ...(value as Record<string, unknown>), [name]: Array.isArray(resolved.enum) ? '__not_in_enum__' : wrongTypeFor(type) };
  }
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  if (required.length > 0) {
    const copy = { ...(value as Record<string, unknown>) };
    delete copy[required[0]!];
    return copy;
  }
  return null;
}
