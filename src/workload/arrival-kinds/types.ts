// The interface every arrival process implements: one inter-arrival gap at a time, in units of the mean gap.

/** Options an arrival process may use; each ignores the ones it does not need. */
export interface ArrivalOptions {
  /** Gamma shape K (vLLM's --burstiness): 1 is Poisson, below 1 burstier, above 1 more regular. */
  burstiness: number;
}

/**
 * An arrival process. Gaps are drawn with mean 1 (in units of the mean inter-arrival time), so the
 * schedule builder can scale them to any rate, including a rate that ramps up over time.
 */
export interface ArrivalProcess {
  readonly name: string;
  nextGap(random: () => number): number;
}

export type ArrivalFactory = (options: ArrivalOptions) => ArrivalProcess;
