// Fault malformed-sse: one broken SSE frame halfway: no blank line, garbage bytes, or invalid UTF-8.
import { midpoint, type Fault } from './types.js';

/** Bytes that are not UTF-8 (0xff, 0xfe never occur in UTF-8) inside a frame that is otherwise fine. */
function invalidUtf8(frame: string): Buffer {
  const at = frame.lastIndexOf('"},') > 0 ? frame.lastIndexOf('"},') : frame.length - 2;
  return Buffer.concat([Buffer.from(frame.slice(0, at)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(frame.slice(at))]);
}

export const faultMalformedSse: Fault = {
  kind: 'malformed-sse',
  summary: 'one malformed SSE frame: missing blank line, garbage bytes, or invalid UTF-8 (variant seeded)',
  onToken(index, total, frame, env) {
    if (index !== midpoint(total)) return frame;
    const variant = Math.floor(env.rand() * 3);
    // Without the blank line this frame and the next merge into one event whose data is two JSON texts.
    if (variant === 0) return frame.slice(0, -1);
    if (variant === 1) return Buffer.concat([Buffer.from([0x00, 0x07, 0x1b, 0xff, 0x80]), Buffer.from('%%garbage%%\n\n'), Buffer.from(frame)]);
    return invalidUtf8(frame);
  },
  onBody: (json) => json.slice(0, Math.floor(json.length / 2)),
};
