// Whether a stage's load was sustained (the server kept up with what was offered) and stable (no growing backlog).
import type { RequestRecord, Summary } from '../metrics/schema.js';
import type { LoadAxis } from './stages.js';

/** Achieved this far below offered (relative) marks a rate stage not sustained. */
export const RATE_SHORTFALL = 0.05;
/** Client queueing p99 above this share of TTFT p99 marks a rate stage not sustained (the in-flight cap held it back). */
export const QUEUE_SHARE_OF_TTFT = 0.1;
/** The last third's median TTFT must exceed the first third's by this much (relative, and at least TREND_FLOOR_MS)... */
export const TREND_GROWTH = 0.2;
export const TREND_FLOOR_MS = 5;

export interface StageTrend {
  /**
   * Median TTFT (ms) of the first and last third of requests by intended start. Client queueing is left out: the
   * queue rule judges it where the in-flight cap causes it, and a busy client's timer lag is not a server backlog.
   */
  first_third_ms: number;
  last_third_ms: number;
  /** Least-squares slope of that TTFT against send time (ms per s), with its 95% interval. */
  slope_ms_per_s: number;
  slope_interval: [number, number];
  growing: boolean;
  /**
   * Not growing, but a growth of the trend threshold across the stage cannot be ruled out either (the slope's
   * upper 95% bound times the stage's span exceeds it): a capacity search measures such a stage again.
   */
  inconclusive: boolean;
}

export interface Sustain {
  /** Arrivals the schedule offered per second (rate stages; the asked rate up to the randomness of the arrivals). */
  offered_rate: number | null;
  /** Successful completions per second while the load was on (see achievedRate). */
  achieved_rate: number | null;
  queue_p99_ms: number | null;
  ttft_p99_ms: number | null;
  /** The most requests in flight at once, and the cap (--concurrency); queue time counts against a stage only at the cap. */
  peak_in_flight: number;
  in_flight_cap: number;
  trend: StageTrend | null;
  /** Why the stage is not sustained; empty when it is. */
  reasons: string[];
}

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** When a request was meant to start: its intended time in an open loop, its send time otherwise (ms from the first send). */
const intended = (r: RequestRecord) => r.intended_ms ?? r.start_ms;

/**
 * Completions per second in a window of the stage where the completion stream is steady: arrivals span
 * [a, b]; requests end a latency later, so the window is [a + latency p90, b + latency p10] (every request
 * ending there was sent inside [a, b], and that window is long enough), else [a + p50, b + p50]. A server
 * that keeps up completes as fast as requests arrive; one that cannot completes at its own maximum.
 */
export function achievedRate(records: readonly RequestRecord[]): number | null {
  const ok = records.filter((r) => r.ok && r.latency_ms !== null);
  if (ok.length < 10) return null;
  const starts = records.map(intended);
  const a = Math.min(...starts);
  const b = Math.max(...starts);
  if (!(b > a)) return null;
  const latencies = ok.map((r) => r.latency_ms!).sort((x, y) => x - y);
  let from = a + quantile(latencies, 0.9);
  let to = b + quantile(latencies, 0.1);
  if (to - from < 0.3 * (b - a)) {
    from = a + quantile(latencies, 0.5);
    to = b + quantile(latencies, 0.5);
  }
  const ended = ok.filter((r) => {
    const end = r.start_ms + r.latency_ms!;
    return end >= from && end <= to;
  }).length;
  return ended / ((to - from) / 1000);
}

/**
 * Is TTFT growing across the stage (a backlog building up)? Growing when the last
 * third's median exceeds the first third's by more than 20% and 5 ms, and the regression slope's 95%
 * interval lies above zero: both the size and the certainty of the rise, so noise alone never fails a stage.
 */
export function stageTrend(records: readonly RequestRecord[]): StageTrend | null {
  const points = records
    .filter((r) => r.ok && r.ttft_ms !== null)
    .map((r) => ({ t: intended(r) / 1000, wait: r.ttft_ms! }))
    .sort((x, y) => x.t - y.t);
  if (points.length < 30) return null; // fewer than 10 a third: too few to tell a trend from noise
  const third = Math.floor(points.length / 3);
  const first = median(points.slice(0, third).map((p) => p.wait));
  const last = median(points.slice(points.length - third).map((p) => p.wait));
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanW = points.reduce((s, p) => s + p.wait, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.wait - meanW);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let sse = 0;
  for (const p of points) sse += (p.wait - meanW - slope * (p.t - meanT)) ** 2;
  const se = sxx > 0 ? Math.sqrt(sse / Math.max(1, n - 2) / sxx) : Infinity;
  const interval: [number, number] = [slope - 1.96 * se, slope + 1.96 * se];
  const threshold = Math.max(TREND_GROWTH * first, TREND_FLOOR_MS);
  const growing = last - first > threshold && interval[0] > 0;
  const spanS = points[n - 1]!.t - points[0]!.t;
  return {
    first_third_ms: round(first)!,
    last_third_ms: round(last)!,
    slope_ms_per_s: round(slope)!,
    slope_interval: [round(interval[0]) ?? 0, round(interval[1]) ?? 0],
    growing,
    inconclusive: !growing && interval[1] * spanS > threshold,
  };
}

/**
 * The most requests in flight at once, from the records' send and end times. Requests wait in the client's
 * queue for the in-flight cap only when this reaches the cap; below it, queue time is the client's own timer
 * and event-loop lag (reported as client saturation in result.json), not a cap holding the load back.
 */
export function peakInFlight(records: readonly RequestRecord[]): number {
  const events: Array<[number, number]> = [];
  for (const r of records) {
    const duration = r.latency_ms ?? r.ttft_ms;
    if (duration === null) continue;
    events.push([r.start_ms, 1], [r.start_ms + duration, -1]);
  }
  // Ends before starts at the same instant: a slot freed and refilled at once is not two in flight.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of events) {
    now += step;
    if (now > peak) peak = now;
  }
  return peak;
}

/** Offered arrivals per second: (n - 1) arrivals after the first, over the span of the arrivals. */
function offeredRate(records: readonly RequestRecord[]): number | null {
  if (records.length < 2) return null;
  const starts = records.map(intended);
  const span = Math.max(...starts) - Math.min(...starts);
  return span > 0 ? ((records.length - 1) * 1000) / span : null;
}

/**
 * The verdict on one stage. A rate stage is sustained when it achieved its offered rate (within 5%), the in-flight
 * cap did not hold requests back (queue p99 within 10% of TTFT p99 once the cap was reached), and TTFT did not grow
 * across the stage. A closed-loop stage is always sustained: its load is whatever the server serves.
 */
export function judgeStage(by: LoadAxis, summary: Summary, allRecords: readonly RequestRecord[], warmupRequests = 0, capInFlight = Infinity): Sustain {
  const records = allRecords.filter((r) => r.index >= warmupRequests);
  const reasons: string[] = [];
  const offered = by === 'rate' ? offeredRate(records) : null;
  const achieved = achievedRate(records);
  const queueP99 = typeof summary.queue_ms?.p99 === 'number' ? summary.queue_ms.p99 : null;
  const ttftP99 = typeof summary.ttft_ms?.p99 === 'number' ? summary.ttft_ms.p99 : null;
  if (by === 'rate') {
    if (offered !== null && achieved !== null && achieved < offered * (1 - RATE_SHORTFALL)) {
      reasons.push(`achieved ${achieved.toFixed(1)} req/s, more than ${RATE_SHORTFALL * 100}% below the offered ${offered.toFixed(1)} req/s`);
    }
    const capReached = peakInFlight(allRecords) >= capInFlight;
    if (capReached && queueP99 !== null && ttftP99 !== null && ttftP99 > 0 && queueP99 > QUEUE_SHARE_OF_TTFT * ttftP99) {
      reasons.push(`client queue p99 ${queueP99.toFixed(1)} ms exceeds ${QUEUE_SHARE_OF_TTFT * 100}% of TTFT p99 ${ttftP99.toFixed(1)} ms: the in-flight cap (${capInFlight}) held requests back; raise --concurrency`);
    }
    if (summary.succeeded === 0) reasons.push('no request succeeded');
  }
  const trend = stageTrend(records);
  // Only an open loop can build a backlog without bound; a closed loop holds at most `concurrency` requests, and
  // a rising TTFT there (few requests, a busy machine) is recorded in `trend` but is no verdict.
  if (by === 'rate' && trend?.growing) {
    reasons.push(`TTFT grew from ${trend.first_third_ms} ms (first third) to ${trend.last_third_ms} ms (last third): a backlog was building`);
  }
  return {
    offered_rate: offered === null ? null : round(offered),
    achieved_rate: achieved === null ? null : round(achieved),
    queue_p99_ms: queueP99,
    ttft_p99_ms: ttftP99,
    peak_in_flight: peakInFlight(allRecords),
    in_flight_cap: capInFlight,
    trend,
    reasons,
  };
}
