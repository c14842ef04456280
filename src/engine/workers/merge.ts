// Merges the workers' outcomes into one, the same in form as a single-thread run's: counters summed, histograms added exactly.
import { mergeConnectionStats } from '../connections.js';
import { decodeHistogram, mergeEncoded, type Histogram } from '../../metrics/histogram.js';
import type { DistributionKey, EncodedHistogram, TimeseriesPoint } from '../../metrics/schema.js';
import type { RunTotals } from '../../metrics/summary.js';
import { createLiveHistogram } from '../live-histogram.js';
import { mergeArrivalCounts, type ArrivalCounts } from '../arrival-series.js';
import type { RunOutcome } from '../run.js';
import type { WireOutcome } from './protocol.js';

type Counters = Record<string, unknown>;

/**
 * Sums every numeric counter (including ones added later, such as retries) and every per-kind count;
 * the run-wide fields are the run's, not a sum: first send is the earliest, last end the latest.
 */
export function mergeTotals(parts: RunTotals[], expectedRequests: number | null, concurrency: number): RunTotals {
  const merged = structuredClone(parts[0]) as unknown as Counters;
  for (const part of parts.slice(1) as unknown as Counters[]) {
    for (const [key, value] of Object.entries(part)) {
      const current = merged[key];
      if (key === 'first_send_epoch_ms') merged[key] = minOf(current as number | null, value as number | null);
      else if (key === 'last_end_epoch_ms') merged[key] = maxOf(current as number | null, value as number | null);
      else if (key === 'error_samples') merged[key] = { ...(value as object), ...(current as object) };
      else if (typeof value === 'number') merged[key] = ((current as number | undefined) ?? 0) + value;
      else if (value !== null && typeof value === 'object') merged[key] = sumRecords(current as Record<string, number> | undefined, value as Record<string, unknown>);
      else if (current === undefined) merged[key] = value;
    }
  }
  const totals = merged as unknown as RunTotals;
  totals.expected_requests = expectedRequests;
  totals.concurrency = concurrency;
  // Each worker's peak is exact; their sum bounds the run's peak, which can never exceed the concurrency.
  totals.max_in_flight = Math.min(totals.max_in_flight, concurrency);
  return totals;
}

function sumRecords(into: Record<string, number> | undefined, from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(into ?? {}) };
  for (const [key, value] of Object.entries(from)) {
    out[key] = typeof value === 'number' && typeof out[key] === 'number' ? (out[key] as number) + value : (out[key] ?? value);
  }
  return out;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Histograms travel encoded and are added bucket by bucket: no percentile is ever averaged. */
export function mergeHistograms(parts: Array<Partial<Record<DistributionKey, EncodedHistogram>>>): Partial<Record<DistributionKey, EncodedHistogram>> {
  const keys = new Set(parts.flatMap((part) => Object.keys(part) as DistributionKey[]));
  const merged: Partial<Record<DistributionKey, EncodedHistogram>> = {};
  for (const key of keys) {
    const present = parts.map((part) => part[key]).filter((h): h is EncodedHistogram => h !== undefined);
    merged[key] = present.length === 1 ? present[0] : mergeEncoded(present);
  }
  return merged;
}

/**
 * Sums per-second buckets by wall-clock second. Each worker counts seconds from its own first send;
 * a worker that started later is shifted by whole seconds (workers start within milliseconds of each
 * other, so the shift is almost always 0). `in_flight` is recomputed from the summed starts and ends.
 */
export function mergeTimeseries(parts: Array<{ timeseries: TimeseriesPoint[]; firstSendEpochMs: number | null }>): TimeseriesPoint[] {
  const starts = parts.map((p) => p.firstSendEpochMs).filter((v): v is number => v !== null);
  const origin = starts.length > 0 ? Math.min(...starts) : 0;
  const buckets: Array<Record<string, number>> = [];
  for (const part of parts) {
    const shift = part.firstSendEpochMs === null ? 0 : Math.round((part.firstSendEpochMs - origin) / 1000);
    for (const point of part.timeseries) {
      const t = point.t_s + shift;
      const bucket = (buckets[t] ??= { t_s: t });
      for (const [key, value] of Object.entries(point)) {
        if (key !== 't_s' && key !== 'in_flight' && typeof value === 'number') bucket[key] = (bucket[key] ?? 0) + value;
      }
    }
  }
  let inFlight = 0;
  const series: TimeseriesPoint[] = [];
  for (let t = 0; t < buckets.length; t++) {
    const bucket = buckets[t] ?? { t_s: t };
    inFlight += (bucket.started ?? 0) - (bucket.finished ?? 0);
    series.push({ started: 0, finished: 0, failed: 0, output_tokens: 0, ...bucket, t_s: t, in_flight: inFlight } as TimeseriesPoint);
  }
  return series;
}

/** One outcome from all workers'. Loop delay is the worst thread's: saturation of any thread shows. */
export function mergeOutcomes(parts: WireOutcome[], expectedRequests: number | null, concurrency: number): RunOutcome {
  const totals = mergeTotals(parts.map((p) => p.totals), expectedRequests, concurrency);
  let scheduleLagUs: Histogram | null = null;
  for (const part of parts) {
    if (part.scheduleLag === null) continue;
    scheduleLagUs ??= createLiveHistogram();
    scheduleLagUs.add(decodeHistogram(part.scheduleLag));
  }
  return {
    totals,
    histograms: mergeHistograms(parts.map((p) => p.histograms)),
    timeseries: mergeTimeseries(parts.map((p) => ({ timeseries: p.timeseries, firstSendEpochMs: p.totals.first_send_epoch_ms }))),
    interrupted: parts.some((p) => p.interrupted),
    scheduleLagUs,
    eventLoopDelayMs: {
      p50: Math.max(...parts.map((p) => p.eventLoopDelayMs.p50)),
      p99: Math.max(...parts.map((p) => p.eventLoopDelayMs.p99)),
      max: Math.max(...parts.map((p) => p.eventLoopDelayMs.max)),
    },
    eventLoopUtilization: Math.max(...parts.map((p) => p.eventLoopUtilization ?? 0)),
    workers: parts.length,
    connections: mergeConnectionStats(parts.map((p) => p.connections)),
    // Every thread measures the same machine over nearly the same window: the least idle reading is the safe one.
    freeCores: parts.some((p) => p.freeCores === null || p.freeCores === undefined) ? null : Math.min(...parts.map((p) => p.freeCores as number)),
    // Each worker counted its share of the one schedule from the common start: bucket by bucket, they add up.
    ...(parts.some((p) => p.arrivals) ? { arrivals: mergeArrivalCounts(parts.flatMap((p) => (p.arrivals ? [p.arrivals as ArrivalCounts] : []))) } : {}),
  };
}
