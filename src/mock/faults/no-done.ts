// Fault no-done: the stream ends cleanly but without the final `data: [DONE]`.
import type { Fault } from './types.js';

export const faultNoDone: Fault = {
  kind: 'no-done',
  summary: 'the stream ends without data: [DONE]',
  onEnd: (finish, usage) => finish + usage,
};
