// Shared by the 429, 500 and 503 faults: an immediate OpenAI-style JSON error with a status.
import type { FaultEnv } from './types.js';

export function sendHttpError(env: FaultEnv, status: number, message: string, retryAfterS?: number): true {
  const body = JSON.stringify({ error: { message, type: status === 429 ? 'RateLimitError' : 'InternalServerError', param: null, code: status } });
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  if (retryAfterS !== undefined) headers['Retry-After'] = String(retryAfterS);
  env.res.writeHead(status, headers);
  env.res.end(body);
  return true;
}
