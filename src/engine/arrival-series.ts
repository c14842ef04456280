// Open-loop arrivals counted per time bucket: what the schedule made due, and what was actually sent, to compare.
import { coarsen, type ArrivalCounts } from '../metrics/arrivals.js';

export { arrivalsDocument, coarsen, mergeArrivalCounts, type ArrivalCounts } from '../metrics/arrivals.js';

/**
 * Buckets start at 1000/1024 ms and double when the run outgrows MAX_BUCKETS: memory stays bounded whatever
 * the run length, two buckets always merge exactly into one, and from 1 s up every width is a whole number
 * of seconds (1, 2, 4, 8 s...), below it a round fraction (500, 250, 125, 62.5 ms...).
 */
const BASE_MS = 1000 / 1024;
const MAX_BUCKETS = 4096;

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
