// The server under test: base URL normalisation, API paths, auth headers, and model discovery.
import { request } from 'undici';
import { TargetError, UsageError } from '../errors.js';

/** The OpenAI APIs llmperf load-tests: chat completions, completions, and embeddings (no tokens out). */
export type ApiKind = 'chat' | 'completions' | 'embeddings';

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

/** Parses `http://host:8000`, `http://host:8000/`, `http://host:8000/v1` alike into a base URL without /v1. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${raw}: not a valid URL; use a form like http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url ${raw}: only http:// and https:// are supported`);
  }
  if (url.username || url.password) {
    throw new UsageError(`--url: credentials in the URL are not allowed; pass the key with --api-key-env`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

export function apiPath(baseUrl: string, api: ApiKind | 'models' | 'embeddings'): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const tail = api === 'chat' ? 'chat/completions' : api;
  return `${prefix}/v1/${tail}`;
}

/** Request headers for a target: JSON content type, bearer auth, then the user's headers. */
export function requestHeaders(target: Target): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  for (const [name, value] of Object.entries(target.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/** Reads the API key from the named environment variable (never from a flag value). */
export function apiKeyFromEnv(variable = 'OPENAI_API_KEY'): string | undefined {
  const value = process.env[variable];
  return value && value.length > 0 ? value : undefined;
}

/**
 * Asks `GET /v1/models` for the first model id. Doubles as the pre-flight check: an unreachable
 * server is reported here, naming the URL, before any load is sent.
 */
export async function discoverModel(target: Omit<Target, 'model'>): Promise<string> {
  const url = new URL(apiPath(target.baseUrl, 'models'), target.baseUrl);
  let body: unknown;
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
    body = await response.body.json();
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new TargetError(`${url.origin}: cannot reach the server (${code}); check --url and that the server is running`);
  }
  const first = (body as { data?: Array<{ id?: unknown }> }).data?.[0]?.id;
  if (typeof first !== 'string') {
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
