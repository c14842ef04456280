// Fault stall: the stream stops halfway and never continues (the connection stays open).
import { midpoint, type Fault } from './types.js';

export const faultStall: Fault = {
  kind: 'stall',
  summary: 'stalls forever halfway through the stream',
  onToken: (index, total, frame) => (index === midpoint(total) ? 'stall' : frame),
  onBody: () => 'stall',
};
