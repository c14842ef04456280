// Fault no-usage: no usage anywhere, even when the client asked for it (some servers ignore include_usage).
import type { Fault } from './types.js';

export const faultNoUsage: Fault = {
  kind: 'no-usage',
  summary: 'no usage in the stream or the body, even when asked',
  onEnd: (finish, _usage, done) => finish + done,
  onBody(json) {
    const body = JSON.parse(json) as Record<string, unknown>;
    delete body.usage;
    return JSON.stringify(body);
  },
};
