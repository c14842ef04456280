// Fault reset: the connection is reset (TCP RST) halfway through the response.
import { midpoint, type Fault } from './types.js';

export const faultReset: Fault = {
  kind: 'reset',
  summary: 'connection reset halfway through the stream',
  onToken: (index, total, frame) => (index === midpoint(total) ? 'reset' : frame),
  onBody: () => 'reset',
};
