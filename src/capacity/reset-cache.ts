// `--reset-cache PATH`: empty the server's prefix cache before a stage (vLLM POST /reset_prefix_cache, SGLang POST /flush_cache).
import { Agent, request } from 'undici';
import { requestHeaders } from '../engine/target.js';
import { UsageError } from '../errors.js';
import { redact } from '../util/redact.js';

/** What one reset attempt did, as sweep.json / capacity.json record it per stage. */
export interface CacheReset {
  url: string;
  ok: boolean;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  ms: number;
  /** Why it did not work (redacted), when it did not. */
  error: string | null;
}

export interface ResetTarget {
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  rejectUnauthorized: boolean;
}

/** Checks the flag: a path on the server (`/reset_prefix_cache`) or a full http(s) URL. */
export function parseResetPath(text: string): string {
  const value = text.trim();
  if (value.startsWith('/') || /^https?:\/\//i.test(value)) return value;
  throw new UsageError(`--reset-cache ${text}: give a path on the server such as /reset_prefix_cache (vLLM) or /flush_cache (SGLang), or a full URL`);
}

/**
 * The URL to POST: a path is taken from the server root, below any path prefix of --url (not below /v1,
 * where vLLM and SGLang do not serve it); a full URL is used as it is.
 */
export function resetUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${base.origin}${prefix}${path}`;
}

/** POSTs once, with the run's auth headers; never throws: a failed reset is reported and the stage runs anyway. */
export async function resetCache(target: ResetTarget, path: string, timeoutMs = 10_000): Promise<CacheReset> {
  const url = resetUrl(target.baseUrl, path);
  const started = performance.now();
  const dispatcher = new Agent({ connect: { rejectUnauthorized: target.rejectUnauthorized, timeout: timeoutMs } });
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: requestHeaders({ baseUrl: target.baseUrl, model: '', apiKey: target.apiKey, headers: target.headers, timeoutMs }),
      body: '{}',
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = (await response.body.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return { url, ok, status: response.statusCode, ms: ms(), error: ok ? null : redact(`HTTP ${response.statusCode}${text ? `: ${text}` : ''}`) };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return { url, ok: false, status: null, ms: ms(), error: redact(String(code)) };
  } finally {
    await dispatcher.close().catch(() => {});
  }
}
