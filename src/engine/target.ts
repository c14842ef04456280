// The server under test: base URL normalisation, API paths, auth headers, and model discovery.
import { request } from 'undici';
import { TargetError, UsageError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { ANTHROPIC_VERSION } from './apis/messages.js';

/**
 * The APIs llmperf load-tests: OpenAI chat completions, completions, embeddings (no tokens out) and
 * Responses, and Anthropic Messages.
 */
export type ApiKind = 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages';

export interface Target {
  /** Origin plus any path prefix before /v1, e.g. http://host:8000 or http://host/proxy */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Extra request headers (secrets possible: never written anywhere). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Per-request cap on response bytes for eval and arena jobs (--max-response-bytes); absent: the jobs' default. */
  maxResponseBytes?: number;
}

/**
 * Parses `http://host:8000`, `http://host:8000/`, `http://host:8000/v1` alike into a base URL without /v1.
 * A query (`?api_key=...`, `?api-version=...`) is kept and sent on every request: some gateways need it.
 * Its values may be credentials, so they are redacted wherever the URL is printed or written.
 */
export function normalizeBaseUrl(raw: string): string {
  // Echoed redacted: a refused URL may still carry a password or a key in its query.
  const shown = redactUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${shown}: not a valid URL; use a form like http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url ${shown}: only http:// and https:// are supported`);
  }
  if (url.username || url.password) {
    throw new UsageError(`--url ${shown}: credentials in the URL are not allowed; pass the key with --api-key-env`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(ENDPOINT_PATH, '').replace(/\/v1$/, '');
  return `${url.origin}${path}${url.search}`;
}

/** An API endpoint pasted as the base URL (`.../v1/chat/completions`): the base is what comes before it. */
const ENDPOINT_PATH = /(?:\/v1)?\/(chat\/completions|completions|embeddings|models)$/;
const API_OF_PATH: Record<string, ApiKind | null> = { 'chat/completions': 'chat', completions: 'completions', embeddings: 'embeddings', models: null };

/**
 * When --url ends in an endpoint path, the line that says which base is used (and which --api the path
 * implies, when it differs); null for an ordinary base URL.
 */
export function endpointPathNote(raw: string, api: ApiKind): string | null {
  let path: string;
  try {
    path = new URL(raw).pathname.replace(/\/+$/, '');
  } catch {
    return null; // normalizeBaseUrl reports the bad URL
  }
  const match = ENDPOINT_PATH.exec(path);
  if (!match) return null;
  const implied = API_OF_PATH[match[1]!];
  const base = normalizeBaseUrl(raw);
  const hint = implied && implied !== api ? `; that path is the ${implied} API: add --api ${implied}` : '';
  return `--url ends in the endpoint path ${match[0]}: using the base URL ${base} (llmperf adds /v1/... itself)${hint}`;
}

/** The request path (and the base URL's query, if any) of an API on a target. */
export function apiPath(baseUrl: string, api: ApiKind | 'models' | 'embeddings'): string {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const tail = api === 'chat' ? 'chat/completions' : api;
  return `${prefix}/v1/${tail}${base.search}`;
}

/** The most of a `GET /v1/models` answer read: a real list is a few KB; an endless body must not fill memory. */
export const MAX_MODEL_LIST_BYTES = 1024 * 1024;

/**
 * The first model id of a `GET /v1/models` body, read up to MAX_MODEL_LIST_BYTES (the body is destroyed
 * beyond that, with a one-line TargetError); null when the body is not a model list.
 */
export async function readModelList(body: AsyncIterable<Buffer> & { destroy(): unknown }, origin: string): Promise<string | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > MAX_MODEL_LIST_BYTES) {
      body.destroy();
      throw new TargetError(`${origin}: GET /v1/models sent more than 1 MB, not a model list; pass --model NAME to skip model discovery`);
    }
    chunks.push(chunk);
  }
  let listed: { data?: Array<{ id?: unknown }> } | null;
  try {
    listed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Array<{ id?: unknown }> } | null;
  } catch {
    return null;
  }
  const first = listed?.data?.[0]?.id;
  return typeof first === 'string' ? first : null;
}

/**
 * Request headers for a target: JSON content type, auth, then the user's headers (which may replace any of them).
 * Anthropic's Messages API takes the key as `x-api-key` and needs an `anthropic-version`; the others take a bearer token.
 */
export function requestHeaders(target: Target, api?: ApiKind): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (api === 'messages') {
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
  } else if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  for (const [name, value] of Object.entries(target.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * An HTTP header value carries Latin-1 bytes without line breaks (RFC 9110); undici refuses anything else
 * on every request, which read as "cannot reach the server". Bad input instead: one line naming where the
 * value came from, never the (secret) value itself.
 */
export function checkHeaderValue(value: string, where: string): string {
  if (/[\r\n\0]/.test(value)) throw new UsageError(`${where}: the value contains a line break or NUL; a header value is one line`);
  // eslint-disable-next-line no-control-regex
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
    throw new UsageError(`${where}: the value holds a control character or a character outside Latin-1, which HTTP headers cannot carry; check for a stray character`);
  }
  return value;
}

/** Reads the API key from the named environment variable (never from a flag value). */
export function apiKeyFromEnv(variable = 'OPENAI_API_KEY'): string | undefined {
  const value = process.env[variable];
  return value && value.length > 0 ? checkHeaderValue(value, `the API key in $${variable}`) : undefined;
}

/**
 * Asks `GET /v1/models` for the first model id. Doubles as the pre-flight check: an unreachable
 * server is reported here, naming the URL, before any load is sent.
 */
export async function discoverModel(target: Omit<Target, 'model'>): Promise<string> {
  const url = new URL(apiPath(target.baseUrl, 'models'), target.baseUrl);
  let first: string | null;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: requestHeaders({ ...target, model: '' }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new TargetError(
        `${url.origin}: GET /v1/models answered HTTP ${response.statusCode}; pass --model NAME to skip model discovery`,
      );
    }
    first = await readModelList(response.body, url.origin);
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new TargetError(`${url.origin}: cannot reach the server (${code}); check --url and that the server is running`);
  }
  if (first === null) {
    throw new TargetError(`${url.origin}: GET /v1/models lists no model; pass --model NAME`);
  }
  return first;
}

/** Builds a ready target: normalised URL, key from the environment, model discovered when not given. */
export async function resolveTarget(url: string, model?: string, apiKeyEnv?: string): Promise<Target> {
  const baseUrl = normalizeBaseUrl(url);
  const apiKey = apiKeyFromEnv(apiKeyEnv);
  const partial = { baseUrl, apiKey };
  return { ...partial, model: model ?? (await discoverModel(partial)) };
}
