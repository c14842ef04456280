// Bounds on this machine's clock offset from the server's, read from HTTP `Date` headers, so a merge can see skew between shards.

/** The server's clock minus this machine's, somewhere in [low_ms, high_ms]. */
export interface ClockOffset {
  low_ms: number;
  high_ms: number;
  probes: number;
}

export interface ProbeOptions {
  /** Probes are spread over a second so their `Date` ticks fall at different phases and narrow the bounds. */
  probes?: number;
  spacingMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * A `Date` header has whole seconds: a response stamped D was generated while the server's clock read
 * [D, D + 1000), and on this machine between sending (L0) and receiving (L1). So the offset lies in
 * (D - L1, D + 1000 - L0); probes at different sub-second phases intersect to a narrower interval.
 * Returns null when no response carried a usable `Date` header (any status counts: a 401 is dated too).
 */
export async function probeClockOffset(url: string, options: ProbeOptions = {}): Promise<ClockOffset | null> {
  const count = options.probes ?? 6;
  const spacingMs = options.spacingMs ?? 170;
  const now = options.now ?? Date.now;
  let low = -Infinity;
  let high = Infinity;
  let used = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    const sentMs = now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
      const receivedMs = now();
      await response.arrayBuffer();
      const dated = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isFinite(dated)) continue;
      const probeLow = dated - receivedMs;
      const probeHigh = dated + 1000 - sentMs;
      // A probe that contradicts the others (a server clock step, a cached Date) is dropped, not intersected.
      if (probeLow > high || probeHigh < low) continue;
      low = Math.max(low, probeLow);
      high = Math.min(high, probeHigh);
      used++;
    } catch {
      // Unreachable or slow: this probe says nothing; the run's own pre-flight check reports real failures.
    }
  }
  return used === 0 ? null : { low_ms: Math.round(low), high_ms: Math.round(high), probes: used };
}

/**
 * The least and the most two machines' clocks can differ, from their offsets to the same server:
 * clock_i - clock_j = offset_j - offset_i. `atLeastMs` > 0 means skew is certain.
 */
export function skewBetween(offsets: readonly ClockOffset[]): { atLeastMs: number; atMostMs: number } | null {
  if (offsets.length < 2) return null;
  const maxLow = Math.max(...offsets.map((o) => o.low_ms));
  const minHigh = Math.min(...offsets.map((o) => o.high_ms));
  const maxHigh = Math.max(...offsets.map((o) => o.high_ms));
  const minLow = Math.min(...offsets.map((o) => o.low_ms));
  return { atLeastMs: Math.max(0, maxLow - minHigh), atMostMs: maxHigh - minLow };
}
