// Fault slow-headers: the response (headers included) starts only after slowHeadersMs, then runs normally.
import type { Fault } from './types.js';

export const faultSlowHeaders: Fault = {
  kind: 'slow-headers',
  summary: 'response headers held back for slowHeadersMs (default 2 s), then a normal response',
  delayMs: (env) => env.slowHeadersMs,
};
