// Poisson arrivals: exponential gaps, memoryless, the usual model of many independent users.
import { exponential } from '../random.js';
import type { ArrivalFactory } from './types.js';

export const poisson: ArrivalFactory = () => ({
  name: 'poisson',
  nextGap: (random) => exponential(random, 1),
});
