// Fault bad-json: a well-framed SSE event whose data is not valid JSON (a truncated chunk).
import { midpoint, type Fault } from './types.js';

export const faultBadJson: Fault = {
  kind: 'bad-json',
  summary: 'one SSE chunk with invalid JSON',
  onToken(index, total, frame) {
    if (index !== midpoint(total)) return frame;
    // Cut inside the object, keep the SSE framing intact.
    return frame.slice(0, Math.floor(frame.length / 2)) + '\n\n';
  },
  onBody: (json) => json.slice(0, Math.floor(json.length / 2)) + '}',
};
