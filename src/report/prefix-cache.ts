// The one-line prefix-cache view of a run (hit rate, cached share, TTFT of hits vs misses), from the result document only.
import type { DistributionSummary, ResultDocument } from '../metrics/schema.js';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const p50 = (d: DistributionSummary | undefined) => (d && d.p50 !== null ? `${d.p50.toFixed(1)} ms` : 'n/a');

/** Null when the server reported no cached_tokens (dataWarnings then says so for prefix-shaped workloads). */
export function prefixCacheLine(result: ResultDocument): string | null {
  const s = result.summary;
  if (!s.cache_reported_requests || s.cached_token_share === null || s.cached_token_share === undefined) return null;
  return (
    `Prefix cache (server-reported cached_tokens): ${pct(s.cache_hit_rate ?? 0)} of requests hit, ` +
    `${pct(s.cached_token_share)} of prompt tokens cached; TTFT p50 hit ${p50(s.ttft_cache_hit_ms)} vs miss ${p50(s.ttft_cache_miss_ms)}`
  );
}
