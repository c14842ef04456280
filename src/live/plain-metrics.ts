// Counters and classic-bucket histograms kept as plain numbers per label set and turned into samples at scrape time.
import type { LiveLabels } from './names.js';

/**
 * prom-client's labelled `inc()` / `observe()` validate and hash the label set on every call, even through a
 * `labels()` child: about 0.5 µs each, 3 µs per finished request, 4% of the client's CPU at 16-token
 * responses (bench/run.js --only live). These keep one slot per label set (a run or a sweep stage) and do a
 * bucket search and two additions per value; prom-client still serves them (registerMetric), so the
 * exposition is its own. Plain objects with `get()` are what prom-client's registry asks of a metric.
 */
type Sample = { metricName: string; labels: Record<string, string | number>; value: number };
type Samples = { name: string; help: string; type: string; aggregator: string; values: Sample[] };

/** One histogram series: a count per bucket (not cumulative), the sum and the count. */
export interface HistogramSlot {
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class PlainHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** By the label set's JSON: two runs with equal labels share one series, as prom-client's own metrics do. */
  private readonly slots = new Map<string, { labels: LiveLabels; slot: HistogramSlot }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly boundsS: readonly number[],
  ) {}

  /** The series of one label set, made on first use; keep it for the run and pass it to `observe`. */
  slot(labels: LiveLabels): HistogramSlot {
    const key = JSON.stringify(labels);
    let entry = this.slots.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, slot: { counts: new Float64Array(this.boundsS.length + 1), sum: 0, count: 0 } };
      this.slots.set(key, entry);
    }
    return entry.slot;
  }

  /** Counts `valueS` in the first bucket whose upper bound holds it (Prometheus's `le`: inclusive). */
  observe(slot: HistogramSlot, valueS: number): void {
    const bounds = this.boundsS;
    let index = 0;
    while (index < bounds.length && valueS > bounds[index]!) index++;
    slot.counts[index]++;
    slot.sum += valueS;
    slot.count++;
  }

  get(): Samples {
    const values: Sample[] = [];
    for (const { labels, slot } of this.slots.values()) {
      let running = 0;
      this.boundsS.forEach((bound, i) => {
        running += slot.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: running });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: slot.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: slot.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: slot.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** One counter series and its labels. */
export interface CounterSlot {
  readonly labels: Record<string, string>;
  value: number;
}

export class PlainCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly slots = new Map<string, CounterSlot>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The series for `labels`, found by `key` (the caller's own cheap key for the label set), made on first use. */
  slot(key: string, labels: () => Record<string, string>): CounterSlot {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { labels: labels(), value: 0 };
      this.slots.set(key, slot);
    }
    return slot;
  }

  get(): Samples {
    const values: Sample[] = [];
    for (const slot of this.slots.values()) values.push({ metricName: this.name, labels: slot.labels, value: slot.value });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
