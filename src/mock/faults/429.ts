// Fault 429: rate limited, with a Retry-After header, before any work is done.
import { sendHttpError } from './http-error.js';
import type { Fault } from './types.js';

export const fault429: Fault = {
  kind: '429',
  summary: 'HTTP 429 with Retry-After: 1',
  takeOver: (env) => sendHttpError(env, 429, 'simulated rate limit: too many requests', 1),
};
