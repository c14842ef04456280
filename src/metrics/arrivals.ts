// Arrival curves as plain data: counts per bucket coarsened, merged (worker threads, shards) and summarised for the result.
import type { ArrivalsDocument } from './schema.js';

/** The document's series are coarsened to at most this many buckets: a readable chart and table. */
const DOCUMENT_BUCKETS = 60;

/** The plain counts, as they travel from a worker thread: bucket i spans [i * bucketMs, (i + 1) * bucketMs). */
export interface ArrivalCounts {
  bucketMs: number;
  scheduled: number[];
  achieved: number[];
}

/** The same counts in buckets `widthMs` wide (a power-of-two multiple of the current width). */
export function coarsen(counts: ArrivalCounts, widthMs: number): ArrivalCounts {
  const factor = Math.max(1, Math.round(widthMs / counts.bucketMs));
  if (factor === 1) return counts;
  const merge = (list: number[]) => {
    const out = new Array<number>(Math.ceil(list.length / factor)).fill(0);
    for (let i = 0; i < list.length; i++) out[Math.floor(i / factor)]! += list[i]!;
    return out;
  };
  return { bucketMs: counts.bucketMs * factor, scheduled: merge(counts.scheduled), achieved: merge(counts.achieved) };
}

/** The workers' counts as one: each coarsened to the widest bucket, then added bucket by bucket. */
export function mergeArrivalCounts(parts: ArrivalCounts[]): ArrivalCounts {
  const widthMs = Math.max(...parts.map((p) => p.bucketMs));
  const merged: ArrivalCounts = { bucketMs: widthMs, scheduled: [], achieved: [] };
  const addInto = (into: number[], from: number[]) => {
    while (into.length < from.length) into.push(0);
    from.forEach((n, i) => (into[i]! += n));
  };
  for (const part of parts.map((p) => coarsen(p, widthMs))) {
    addInto(merged.scheduled, part.scheduled);
    addInto(merged.achieved, part.achieved);
  }
  return merged;
}

/**
 * The result document's `arrivals`: both series in buckets chosen from the run length (at most 60), and how far
 * the achieved curve strayed from the schedule, per bucket and cumulatively (requests behind schedule at worst).
 */
export function arrivalsDocument(counts: ArrivalCounts): ArrivalsDocument {
  const length = Math.max(counts.scheduled.length, counts.achieved.length);
  let widthMs = counts.bucketMs;
  while ((length * counts.bucketMs) / widthMs > DOCUMENT_BUCKETS) widthMs *= 2;
  const { bucketMs, scheduled, achieved } = coarsen(counts, widthMs);
  const buckets = Math.max(scheduled.length, achieved.length);
  while (scheduled.length < buckets) scheduled.push(0);
  while (achieved.length < buckets) achieved.push(0);
  let maxBucket = 0;
  let maxCumulative = 0;
  let cumScheduled = 0;
  let cumAchieved = 0;
  for (let i = 0; i < buckets; i++) {
    maxBucket = Math.max(maxBucket, Math.abs(achieved[i]! - scheduled[i]!));
    cumScheduled += scheduled[i]!;
    cumAchieved += achieved[i]!;
    maxCumulative = Math.max(maxCumulative, Math.abs(cumAchieved - cumScheduled));
  }
  return {
    bucket_ms: bucketMs,
    scheduled,
    achieved,
    scheduled_total: cumScheduled,
    achieved_total: cumAchieved,
    max_bucket_deviation: maxBucket,
    max_cumulative_deviation: maxCumulative,
  };
}

/**
 * Shards' documents as one (llmperf merge): each coarsened to the widest bucket and shifted by whole buckets by
 * how much later its first send was than the earliest (shards started together with --start-at shift by 0).
 */
export function mergeArrivalsDocuments(parts: Array<{ arrivals: ArrivalsDocument; firstSendEpochMs: number | null }>): ArrivalsDocument {
  const origin = Math.min(...parts.map((p) => p.firstSendEpochMs ?? Infinity));
  const widthMs = Math.max(...parts.map((p) => p.arrivals.bucket_ms));
  const shifted = parts.map(({ arrivals, firstSendEpochMs }) => {
    const counts = coarsen({ bucketMs: arrivals.bucket_ms, scheduled: arrivals.scheduled, achieved: arrivals.achieved }, widthMs);
    const shift = firstSendEpochMs === null || !Number.isFinite(origin) ? 0 : Math.round((firstSendEpochMs - origin) / widthMs);
    const pad = new Array<number>(shift).fill(0);
    return { bucketMs: widthMs, scheduled: [...pad, ...counts.scheduled], achieved: [...pad, ...counts.achieved] };
  });
  return arrivalsDocument(mergeArrivalCounts(shifted));
}
