// Fault 503: the server is overloaded or starting (with Retry-After, as proxies and vLLM's router send it).
import { sendHttpError } from './http-error.js';
import type { Fault } from './types.js';

export const fault503: Fault = {
  kind: '503',
  summary: 'HTTP 503 with Retry-After: 2',
  takeOver: (env) => sendHttpError(env, 503, 'simulated service unavailable', 2),
};
