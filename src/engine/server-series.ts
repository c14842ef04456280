// The --server-metrics time series, aggregated as scrapes arrive: a bounded set of names, a bounded number of points each.
import type { ScrapeValues } from '../cluster/prometheus.js';

/** Points kept per series at most; past it every other point is dropped and only every 2nd scrape is kept. */
export const MAX_POINTS = 4096;

/**
 * Holds, per kept metric name, its points as (epoch ms, value). The names the report plots are always kept;
 * others are kept first come, first served, up to `maxSeries` names in all. Memory is bounded by
 * maxSeries x MAX_POINTS whatever the server exposes and however long the run.
 */
export class SeriesStore {
  private readonly known: ReadonlySet<string>;
  private readonly points = new Map<string, { times: Float64Array; values: Float64Array; n: number }>();
  /** Scrapes offered so far, and every `stride`-th is kept (doubles whenever a series fills up). */
  private offered = 0;
  /** Names kept beyond the plotted ones. */
  private others = 0;
  stride = 1;

  constructor(
    known: readonly string[],
    private readonly maxSeries: number,
  ) {
    this.known = new Set(known);
  }

  /**
   * Whether a name's samples are worth parsing: a plotted name, one already kept, or room for another, in
   * which case the name takes its slot now (first come, first served, within a page too). O(1): it is asked
   * for every sample line of names that are refused.
   */
  accepts(name: string): boolean {
    if (this.points.has(name)) return true;
    if (!this.known.has(name) && this.others >= this.maxSeries - this.known.size) return false;
    if (!this.known.has(name)) this.others++;
    this.points.set(name, { times: new Float64Array(16), values: new Float64Array(16), n: 0 });
    return true;
  }

  add(epochMs: number, values: ScrapeValues): void {
    if (this.offered++ % this.stride !== 0) return;
    let full = false;
    for (const [name, value] of values) {
      if (!this.accepts(name)) continue;
      const series = this.points.get(name)!;
      if (series.n === series.times.length) {
        const size = Math.min(MAX_POINTS, series.n * 2);
        series.times = grow(series.times, size);
        series.values = grow(series.values, size);
      }
      series.times[series.n] = Math.round(epochMs);
      series.values[series.n++] = value;
      if (series.n === MAX_POINTS) full = true;
    }
    if (full) this.halve();
  }

  /** Every series down to every other point, and every other scrape from now on: the run's whole span stays. */
  private halve(): void {
    for (const series of this.points.values()) {
      let kept = 0;
      for (let i = 0; i < series.n; i += 2) {
        series.times[kept] = series.times[i]!;
        series.values[kept++] = series.values[i]!;
      }
      series.n = kept;
    }
    this.stride *= 2;
  }

  /** Name -> [seconds from t0, value]: the plotted names first (in their order), then the others by name. */
  series(t0Ms: number): Record<string, Array<[number, number]>> {
    const names = [...this.points.keys()].filter((name) => this.points.get(name)!.n > 0);
    const ordered = [...[...this.known].filter((name) => names.includes(name)), ...names.filter((name) => !this.known.has(name)).sort()];
    const out: Record<string, Array<[number, number]>> = {};
    for (const name of ordered) {
      const { times, values, n } = this.points.get(name)!;
      out[name] = Array.from({ length: n }, (_, i): [number, number] => [(times[i]! - t0Ms) / 1000, values[i]!]);
    }
    return out;
  }
}

function grow(array: Float64Array, size: number): Float64Array {
  const bigger = new Float64Array(size);
  bigger.set(array);
  return bigger;
}
