// Fault 500: an internal server error answered at once.
import { sendHttpError } from './http-error.js';
import type { Fault } from './types.js';

export const fault500: Fault = {
  kind: '500',
  summary: 'HTTP 500 with a JSON error body',
  takeOver: (env) => sendHttpError(env, 500, 'simulated internal server error'),
};
