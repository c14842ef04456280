// Per-model and per-replica recording: one small recorder per (model, URL) cell beside the run's own, merged at the end.
import { createHistogram, type Histogram } from '../metrics/histogram.js';
import type { DistributionKey, EncodedHistogram } from '../metrics/schema.js';
import type { SplitCell, SplitOutcome } from '../metrics/breakdown.js';
import type { RunTotals } from '../metrics/summary.js';
import { createLiveHistogram } from './live-histogram.js';
import { Recorder } from './recorder.js';
import type { PackageGapSink, RequestState } from './request-state.js';

export type { SplitCell, SplitOutcome } from '../metrics/breakdown.js';

/** Distributions recorded per package (not per request): their cells use the fast 32-bit buckets. */
const PER_PACKAGE: ReadonlySet<DistributionKey> = new Set(['itl_ms', 'itl_per_token_ms', 'tokens_per_package']);
const cellHistogram = (key: DistributionKey): Histogram => (PER_PACKAGE.has(key) ? createLiveHistogram() : createHistogram());

/**
 * Feeds a package to the run's recorder and its gap to the cell's: one more histogram record per package, and only in runs
 * that split (several models or URLs). Keeping one cell per (model, URL), not one recorder per model plus one per
 * URL, keeps that at one extra record however many ways the run is split.
 */
class TeeSink implements PackageGapSink {
  constructor(
    private readonly run: Recorder,
    private readonly cell: Recorder,
  ) {}

  recordItlUs(gapUs: number): void {
    this.run.recordItlUs(gapUs);
    this.cell.recordItlUs(gapUs);
  }

  /** The run's output-over-time only: a cell's time series is never read (by_model and by_url keep totals and histograms). */
  recordPackageAt(nowMs: number): void {
    this.run.recordPackageAt(nowMs);
  }

  recordPackageTokens(tokens: number, gapUs: number): void {
    this.run.recordPackageTokens(tokens, gapUs);
    this.cell.recordPackageTokens(tokens, gapUs);
  }
}

export class SplitRecorder {
  private readonly cells: Array<{ recorder: Recorder; sink: TeeSink } | undefined>;

  constructor(
    private readonly models: string[],
    private readonly urls: string[],
    private readonly run: Recorder,
    private readonly concurrency: number,
    private readonly warmupRequests: number,
  ) {
    this.cells = new Array(models.length * urls.length);
  }

  /** The cell of a (model, URL) pair, made on first use: a cell that never sends costs nothing. */
  private cell(model: number, url: number): { recorder: Recorder; sink: TeeSink } {
    const i = model * this.urls.length + url;
    let cell = this.cells[i];
    if (cell === undefined) {
      const recorder = new Recorder(null, this.concurrency, this.warmupRequests, cellHistogram);
      cell = this.cells[i] = { recorder, sink: new TeeSink(this.run, recorder) };
    }
    return cell;
  }

  /** The sink a request of this cell streams into (the run's recorder and the cell's). */
  sinkFor(model: number, url: number): PackageGapSink {
    return this.cell(model, url).sink;
  }

  recordSend(model: number, url: number, state: RequestState): void {
    this.cell(model, url).recorder.recordSend(state);
  }

  recordEnd(model: number, url: number, state: RequestState): void {
    this.cell(model, url).recorder.recordEnd(state);
  }

  snapshot(): SplitOutcome {
    const cells: SplitCell[] = [];
    this.cells.forEach((cell, i) => {
      if (cell === undefined) return;
      const { totals, histograms } = cell.recorder.snapshot();
      cells.push({ model: Math.floor(i / this.urls.length), url: i % this.urls.length, totals, histograms });
    });
    return { models: this.models.slice(), urls: this.urls.slice(), cells };
  }
}

/** The cells of several worker threads (same names, same order) as one outcome: totals summed, histograms added. */
export function mergeSplitOutcomes(parts: SplitOutcome[], mergeTotals: (parts: RunTotals[]) => RunTotals, mergeHistograms: (parts: Array<Partial<Record<DistributionKey, EncodedHistogram>>>) => Partial<Record<DistributionKey, EncodedHistogram>>): SplitOutcome {
  const byCell = new Map<string, SplitCell[]>();
  for (const part of parts) for (const cell of part.cells) {
    const key = `${cell.model}/${cell.url}`;
    (byCell.get(key) ?? byCell.set(key, []).get(key)!).push(cell);
  }
  const cells = [...byCell.values()].map((group) => ({
    model: group[0]!.model,
    url: group[0]!.url,
    totals: mergeTotals(group.map((c) => c.totals)),
    histograms: mergeHistograms(group.map((c) => c.histograms)),
  }));
  cells.sort((a, b) => a.model - b.model || a.url - b.url);
  return { models: parts[0]!.models, urls: parts[0]!.urls, cells };
}
