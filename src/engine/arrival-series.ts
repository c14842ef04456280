// Open-loop arrivals counted per time bucket: what the schedule made due, and what was actually sent, to compare.
import type { ArrivalsDocument } from '../metrics/schema.js';

/**
 * Buckets start at 1000/1024 ms and double when the run outgrows MAX_BUCKETS: memory stays bounded whatever
 * the run length, two buckets always merge exactly into one, and from 1 s up every width is a whole number
 * of seconds (1, 2, 4, 8 s...), below it a round fraction (500, 250, 125, 62.5 ms...).
 */
const BASE_MS = 1000 / 1024;
const MAX_BUCKETS = 4096;
/** The document's series are coarsened to at most this many buckets: a readable chart and table. */
const DOCUMENT_BUCKETS = 60;

/** The plain counts, as they travel from a worker thread: bucket i spans [i * bucketMs, (i + 1) * bucketMs). */
export interface ArrivalCounts {
  bucketMs: number;
  scheduled: number[];
  achieved: number[];
}

/** Per arrival, an index and an add (never per chunk); offsets are ms since the scheduler started. */
export class ArrivalSeries {
  private counts: ArrivalCounts = { bucketMs: BASE_MS, scheduled: [], achieved: [] };

  /** An arrival came due at its intended offset. */
  scheduled(offsetMs: number): void {
    this.add('scheduled', offsetMs);
  }

  /** An arrival was sent, `offsetMs` after the start (its intended offset plus schedule lag and queueing). */
  achieved(offsetMs: number): void {
    this.add('achieved', offsetMs);
  }

  snapshot(): ArrivalCounts {
    return { bucketMs: this.counts.bucketMs, scheduled: this.counts.scheduled.slice(), achieved: this.counts.achieved.slice() };
  }

  private add(series: 'scheduled' | 'achieved', offsetMs: number): void {
    let i = Math.max(0, Math.floor(offsetMs / this.counts.bucketMs));
    while (i >= MAX_BUCKETS) {
      this.counts = coarsen(this.counts, this.counts.bucketMs * 2);
      i = Math.max(0, Math.floor(offsetMs / this.counts.bucketMs));
    }
    const list = this.counts[series];
    while (list.length <= i) list.push(0);
    list[i]!++;
  }
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
