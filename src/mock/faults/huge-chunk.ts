// Fault huge-chunk: one token arrives as a single several-MB SSE frame.
import { midpoint, type Fault } from './types.js';

/** 4 MiB of content in one frame: bigger than any sane per-chunk buffer, small enough for tests. */
const HUGE = 'x'.repeat(4 * 1024 * 1024);

export const faultHugeChunk: Fault = {
  kind: 'huge-chunk',
  summary: 'one 4 MiB SSE frame in the middle of the stream',
  onToken(index, total, frame) {
    if (index !== midpoint(total)) return frame;
    // The token's text ends right before the choice's closing (chat: `"},"logprobs"`, completions and a Responses
    // text delta: `","logprobs"`), or before the event's last `"}` (a Responses reasoning delta, a Messages delta).
    const chatEnd = frame.lastIndexOf('"},"logprobs"');
    const textEnd = chatEnd >= 0 ? chatEnd : frame.lastIndexOf('","logprobs"');
    const end = textEnd >= 0 ? textEnd : frame.lastIndexOf('"}');
    return frame.slice(0, end) + HUGE + frame.slice(end);
  },
};
