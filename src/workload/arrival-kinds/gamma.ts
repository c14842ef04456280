// Gamma arrivals as in vLLM's benchmark: shape K = burstiness, scale 1/K, so the mean gap stays 1/rate
// while the coefficient of variation is 1/sqrt(K): K < 1 is burstier than Poisson, K > 1 more regular.
import { gammaVariate } from '../random.js';
import type { ArrivalFactory } from './types.js';

export const gamma: ArrivalFactory = ({ burstiness }) => ({
  name: 'gamma',
  nextGap: (random) => gammaVariate(random, burstiness) / burstiness,
});
