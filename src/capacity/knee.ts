// Finds the knee of a latency-throughput curve: the last load before latency grows faster than throughput.

export interface CurvePoint {
  load: number;
  throughput: number;
  latency: number;
}

/**
 * Walks the stages in order of load. Between two stages, the elasticity of latency with respect to
 * throughput is (Δlatency / latency) / (Δthroughput / throughput). While it stays at or below 1,
 * extra load buys at least as much throughput as it costs latency; the first step where it exceeds
 * 1 (or throughput stops rising while latency rises) marks the knee at the stage before that step.
 * Returns null when the curve never bends in the measured range.
 */
export function findKnee(points: readonly CurvePoint[], elasticityLimit = 1): number | null {
  const sorted = [...points].filter((p) => p.throughput > 0 && p.latency > 0).sort((a, b) => a.load - b.load);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1];
    const after = sorted[i];
    const latencyGrowth = (after.latency - before.latency) / before.latency;
    const throughputGrowth = (after.throughput - before.throughput) / before.throughput;
    if (latencyGrowth <= 0.05) continue; // flat latency: noise, not a bend
    if (throughputGrowth <= 0 || latencyGrowth / throughputGrowth > elasticityLimit) return before.load;
  }
  return null;
}
