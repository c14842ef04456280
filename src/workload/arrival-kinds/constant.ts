// Constant arrivals: evenly spaced, exactly one request every 1/rate seconds (no randomness at all).
import type { ArrivalFactory } from './types.js';

export const constant: ArrivalFactory = () => ({
  name: 'constant',
  nextGap: () => 1,
});
