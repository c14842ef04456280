// by_model and by_url: a run split by model and by replica, each part a small result (summary, totals, histograms).
import { mergeEncoded } from './histogram.js';
import type { DistributionKey, EncodedHistogram, ResultDocument, Summary } from './schema.js';
import { buildSummary, type RunTotals } from './summary.js';

type Histograms = Partial<Record<DistributionKey, EncodedHistogram>>;

/** One (model, URL) cell of a run: its counters and histograms (the engine records them; engine/split.ts). */
export interface SplitCell {
  /** Position in `models` / `urls`. */
  model: number;
  url: number;
  totals: RunTotals;
  histograms: Histograms;
}

/** What a run with several models or replicas hands over besides its totals: plain data, crosses threads. */
export interface SplitOutcome {
  /** Model names in --model order. */
  models: string[];
  /** Replica URLs, credentials redacted, in --url order. */
  urls: string[];
  /** Cells that sent at least one request. */
  cells: SplitCell[];
}

/**
 * One model's or one replica's part of a run, shaped like the result itself: `summary` holds the same metrics as
 * the top-level summary (rates over the whole run's duration, so the parts' rates add up to the run's), `totals`
 * and `histograms` are what `llmperf merge` and worker threads add up exactly.
 */
export interface BreakdownEntry {
  summary: Summary;
  totals: RunTotals;
  histograms: Histograms;
}

export type Breakdown = Record<string, BreakdownEntry>;

/** The splits a result carries: by_model with several models, by_url with several replicas. */
export const BREAKDOWN_KEYS = ['by_model', 'by_url'] as const;
export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];

/** Sums counters (numbers and per-kind counts); the window is the union of the parts'. */
export function sumTotals(parts: readonly RunTotals[]): RunTotals {
  const merged = structuredClone(parts[0]!) as unknown as Record<string, unknown>;
  for (const part of parts.slice(1) as unknown as Array<Record<string, unknown>>) {
    for (const [key, value] of Object.entries(part)) {
      const current = merged[key];
      if (key === 'first_send_epoch_ms') merged[key] = pick(Math.min, current, value);
      else if (key === 'last_end_epoch_ms') merged[key] = pick(Math.max, current, value);
      else if (key === 'error_samples') merged[key] = { ...(value as object), ...(current as object) };
      else if (key === 'expected_requests' || key === 'concurrency') continue;
      else if (typeof value === 'number') merged[key] = ((current as number | undefined) ?? 0) + value;
      else if (value !== null && typeof value === 'object') {
        const into = { ...((current as Record<string, number> | undefined) ?? {}) };
        for (const [kind, count] of Object.entries(value)) if (typeof count === 'number') into[kind] = (into[kind] ?? 0) + count;
        merged[key] = into;
      } else if (current === undefined) merged[key] = value;
    }
  }
  return merged as unknown as RunTotals;
}

const pick = (f: (a: number, b: number) => number, a: unknown, b: unknown): number | null =>
  typeof a === 'number' && typeof b === 'number' ? f(a, b) : typeof a === 'number' ? a : typeof b === 'number' ? b : null;

/** Histograms added bucket by bucket: no percentile is ever averaged. */
export function addHistograms(parts: readonly Histograms[]): Histograms {
  const byKey = new Map<DistributionKey, EncodedHistogram[]>();
  for (const part of parts) for (const [key, encoded] of Object.entries(part) as Array<[DistributionKey, EncodedHistogram | undefined]>) {
    if (encoded) (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(encoded);
  }
  const merged: Histograms = {};
  for (const [key, list] of byKey) merged[key] = list.length === 1 ? list[0] : mergeEncoded(list);
  return merged;
}

/** An entry's summary, with rates over the run's window (`run`): the parts of a run add up to it. */
export function entryOf(totals: RunTotals, histograms: Histograms, run: RunTotals): BreakdownEntry {
  const windowed = { ...totals, first_send_epoch_ms: run.first_send_epoch_ms, last_end_epoch_ms: run.last_end_epoch_ms, expected_requests: null, concurrency: run.concurrency };
  return { summary: buildSummary(windowed, histograms), totals, histograms };
}

/** by_model (several models) and by_url (several replicas) from a run's cells; a split of one is left out. */
export function breakdownsOf(split: SplitOutcome, run: RunTotals): Partial<Record<BreakdownKey, Breakdown>> {
  const out: Partial<Record<BreakdownKey, Breakdown>> = {};
  const group = (names: string[], of: (cell: SplitCell) => number): Breakdown => {
    const breakdown: Breakdown = {};
    names.forEach((name, i) => {
      const cells = split.cells.filter((cell) => of(cell) === i);
      if (cells.length === 0) return;
      breakdown[name] = entryOf(sumTotals(cells.map((c) => c.totals)), addHistograms(cells.map((c) => c.histograms)), run);
    });
    return breakdown;
  };
  if (split.models.length > 1) out.by_model = group(split.models, (cell) => cell.model);
  if (split.urls.length > 1) out.by_url = group(split.urls, (cell) => cell.url);
  return out;
}

/**
 * The breakdowns of several results (shards) merged by name, exactly; rates over the merged run's window. A breakdown
 * some inputs lack (a shard run with one model) cannot add up to the merged run: it is left out, with a note saying why.
 */
export function mergeBreakdowns(docs: readonly ResultDocument[], run: RunTotals): { breakdowns: Partial<Record<BreakdownKey, Breakdown>>; notes: string[] } {
  const breakdowns: Partial<Record<BreakdownKey, Breakdown>> = {};
  const notes: string[] = [];
  for (const key of BREAKDOWN_KEYS) {
    const present = docs.map((doc) => doc[key] as Breakdown | undefined).filter((b): b is Breakdown => b !== undefined && b !== null && typeof b === 'object');
    if (present.length === 0) continue;
    if (present.length < docs.length) {
      notes.push(`${key}: only ${present.length} of ${docs.length} inputs have it (the others ran one ${key === 'by_model' ? 'model' : 'URL'}), so it is left out`);
      continue;
    }
    const names = [...new Set(present.flatMap((b) => Object.keys(b)))];
    const merged: Breakdown = {};
    for (const name of names) {
      const parts = present.map((b) => b[name]).filter((e): e is BreakdownEntry => e !== undefined);
      merged[name] = entryOf(sumTotals(parts.map((e) => e.totals)), addHistograms(parts.map((e) => e.histograms)), run);
    }
    breakdowns[key] = merged;
  }
  return { breakdowns, notes };
}
