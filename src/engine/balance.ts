// Spreads requests over replicas (--url repeated): round robin or least in flight, chosen once per request.

/** How a request picks its replica. */
export type BalancePolicy = 'round-robin' | 'least-in-flight';
export const BALANCE_POLICIES: readonly BalancePolicy[] = ['round-robin', 'least-in-flight'];

/** One replica as requests are sent to it. */
export interface ReplicaRoute {
  origin: string;
  /** The API path on this replica (its base path and query included). */
  path: string;
}

/**
 * Picks a replica per request; per-request work only (an index bump, or a scan of a few counters).
 * Round robin sends request i to replica i mod n, so the shares are exact and do not depend on timing.
 * Least in flight sends to the replica with the fewest requests this engine thread has in flight there, ties going
 * round robin, so a faster replica (which finishes sooner) gets more. With --workers each thread balances its share.
 */
export class Balancer {
  private readonly inFlight: Int32Array;
  private next = 0;

  constructor(
    readonly count: number,
    private readonly policy: BalancePolicy,
  ) {
    this.inFlight = new Int32Array(count);
  }

  /** The replica for request `index` (its global index: round robin then agrees across worker threads). */
  pick(index: number): number {
    const n = this.count;
    if (n === 1) return 0;
    if (this.policy === 'round-robin') return index % n;
    const start = this.next;
    this.next = (start + 1) % n;
    let best = start;
    for (let k = 1; k < n; k++) {
      const i = (start + k) % n;
      if (this.inFlight[i]! < this.inFlight[best]!) best = i;
    }
    return best;
  }

  started(replica: number): void {
    this.inFlight[replica]!++;
  }

  ended(replica: number): void {
    this.inFlight[replica]!--;
  }
}
