// Merges the results of several shards (or any runs) into one, losslessly: as if one client had sent it all.
import { UsageError } from '../errors.js';
import { decodeHistogram, mergeEncoded, summarizeUs } from './histogram.js';
import type { ArrivalsDocument, ClientHealth, DistributionSummary, EncodedHistogram, LoopDelaySummary, ResultDocument, TimeseriesPoint } from './schema.js';
import { buildSummary, type RunTotals } from './summary.js';
import { mergeArrivalsDocuments } from './arrivals.js';
import { mergeSummaryExtra } from '../cluster/summary-extras.js';
import { describeShards, shardEntries, type MergedSection } from '../cluster/merge-shards.js';

export type { MergedSection, ShardEntry } from '../cluster/merge-shards.js';

/** The first-send instant of a document (its time origin), or +Infinity when it sent nothing. */
const firstSend = (doc: ResultDocument): number => totalsOf(doc).first_send_epoch_ms ?? Infinity;

export function totalsOf(doc: ResultDocument): RunTotals {
  const totals = doc.totals as RunTotals | undefined;
  if (!totals || typeof totals !== 'object' || typeof totals.sent !== 'number') {
    throw new UsageError('a result without "totals" cannot be merged (it was written by an older llmperf); rerun it');
  }
  return totals;
}

/** Order-independent: inputs are sorted by first send, then shard label, then start time, before anything is picked. */
function canonical(docs: readonly ResultDocument[]): ResultDocument[] {
  const key = (doc: ResultDocument) => shardEntries(doc)[0]?.shard ?? '';
  return docs.slice().sort((a, b) => firstSend(a) - firstSend(b) || key(a).localeCompare(key(b)) || a.started_at.localeCompare(b.started_at));
}

const sumNullable = (values: Array<number | null | undefined>): number | null =>
  values.some((v) => v === null || v === undefined) ? null : values.reduce<number>((sum, v) => sum + (v as number), 0);

/** Fields that do not simply add up; every other numeric counter (including ones added later) is summed. */
const SPECIAL_TOTALS = new Set(['expected_requests', 'errors', 'error_samples', 'first_send_epoch_ms', 'last_end_epoch_ms']);

export function mergeTotals(parts: readonly RunTotals[]): RunTotals {
  const merged: Record<string, unknown> = {};
  for (const t of parts) {
    for (const [key, value] of Object.entries(t)) {
      if (SPECIAL_TOTALS.has(key)) continue;
      if (typeof value === 'number') merged[key] = ((merged[key] as number | undefined) ?? 0) + value;
      else if (value && typeof value === 'object') {
        // Counts by kind (Record<string, number>) add per key.
        const into = (merged[key] ??= {}) as Record<string, number>;
        for (const [kind, count] of Object.entries(value as Record<string, unknown>)) if (typeof count === 'number') into[kind] = (into[kind] ?? 0) + count;
      } else if (!(key in merged)) merged[key] = value;
    }
  }
  const errors: Record<string, number> = {};
  const samples: Record<string, string> = {};
  for (const t of parts) {
    for (const [kind, count] of Object.entries(t.errors)) errors[kind] = (errors[kind] ?? 0) + count;
    // The smallest message per kind: a choice that does not depend on the order of the inputs.
    for (const [kind, text] of Object.entries(t.error_samples)) if (samples[kind] === undefined || text < samples[kind]!) samples[kind] = text;
  }
  const firsts = parts.map((t) => t.first_send_epoch_ms).filter((v): v is number => v !== null);
  const lasts = parts.map((t) => t.last_end_epoch_ms).filter((v): v is number => v !== null);
  // max_in_flight: each shard's peak, added: exact when the shards peak together (the usual steady state), an upper bound otherwise.
  return {
    ...(merged as unknown as RunTotals),
    expected_requests: sumNullable(parts.map((t) => t.expected_requests)),
    errors,
    error_samples: samples,
    first_send_epoch_ms: firsts.length > 0 ? Math.min(...firsts) : null,
    last_end_epoch_ms: lasts.length > 0 ? Math.max(...lasts) : null,
  };
}

export function mergeHistograms(docs: readonly ResultDocument[]): Record<string, EncodedHistogram> {
  const byKey = new Map<string, EncodedHistogram[]>();
  for (const doc of docs) {
    for (const [key, encoded] of Object.entries(doc.histograms ?? {})) {
      if (encoded) byKey.set(key, [...(byKey.get(key) ?? []), encoded as EncodedHistogram]);
    }
  }
  const merged: Record<string, EncodedHistogram> = {};
  for (const key of [...byKey.keys()].sort()) merged[key] = mergeEncoded(byKey.get(key)!);
  return merged;
}

/**
 * Per-second buckets aligned on wall-clock seconds: bucket t of a run that first sent at F covers the absolute
 * second round(F/1000) + t. Whole seconds keep the shift exact, so merging stays associative.
 */
export function mergeTimeseries(docs: readonly ResultDocument[], mergedFirstSendMs: number | null): TimeseriesPoint[] {
  if (mergedFirstSendMs === null) return [];
  const origin = Math.round(mergedFirstSendMs / 1000);
  const fields = ['started', 'finished', 'failed', 'output_tokens'] as const;
  const columns = { started: [] as number[], finished: [] as number[], failed: [] as number[], output_tokens: [] as number[] };
  for (const doc of docs) {
    const first = totalsOf(doc).first_send_epoch_ms;
    if (first === null) continue;
    const shift = Math.round(first / 1000) - origin;
    for (const point of doc.timeseries ?? []) {
      const slot = point.t_s + shift;
      for (const field of fields) {
        const column = columns[field];
        while (column.length <= slot) column.push(0);
        column[slot] += point[field];
      }
    }
  }
  const seconds = Math.max(...fields.map((f) => columns[f].length));
  const series: TimeseriesPoint[] = [];
  let inFlight = 0;
  for (let t = 0; t < seconds; t++) {
    inFlight += (columns.started[t] ?? 0) - (columns.finished[t] ?? 0);
    series.push({ t_s: t, started: columns.started[t] ?? 0, finished: columns.finished[t] ?? 0, failed: columns.failed[t] ?? 0, in_flight: inFlight, output_tokens: columns.output_tokens[t] ?? 0 });
  }
  return series;
}

function mergeClient(docs: readonly ResultDocument[], histograms: Record<string, EncodedHistogram>): ClientHealth {
  const loops = docs.map((d) => d.client?.event_loop_delay_ms).filter((v): v is LoopDelaySummary => !!v);
  let loop: LoopDelaySummary | null = null;
  if (loops.length > 0) {
    loop = { ...loops[0]! };
    // The worst thread's value per field; a field no part knows stays null (unknown), never 0.
    for (const field of Object.keys(loop) as Array<keyof LoopDelaySummary>) {
      const known = loops.map((l) => l[field]).filter((v): v is number => typeof v === 'number');
      loop[field] = known.length > 0 ? Math.max(...known) : null;
    }
  }
  const lag = histograms.schedule_lag_ms ? summarizeUs(decodeHistogram(histograms.schedule_lag_ms)) : null;
  const messages = docs.flatMap((doc) => {
    const text = doc.client?.message;
    if (!text) return [];
    const label = shardEntries(doc).map((e) => e.shard ?? 'run').join(',');
    return text.split('\n').map((line) => (line.startsWith('shard ') ? line : `shard ${label}: ${line}`));
  });
  messages.sort();
  return { event_loop_delay_ms: loop, schedule_lag_ms: lag, saturated: docs.some((d) => d.client?.saturated), message: messages.length > 0 ? messages.join('\n') : null };
}

/** Open-loop shards' arrival curves, added bucket by bucket (absent when no input has one). */
function mergeArrivals(docs: readonly ResultDocument[]): { arrivals?: ArrivalsDocument } {
  const parts = docs.flatMap((d) => (d.arrivals ? [{ arrivals: d.arrivals, firstSendEpochMs: totalsOf(d).first_send_epoch_ms }] : []));
  return parts.length === 0 ? {} : { arrivals: mergeArrivalsDocuments(parts) };
}

function mergeConfig(docs: readonly ResultDocument[], totals: RunTotals, shardCount: number): ResultDocument['config'] {
  const base = { ...docs[0]!.config };
  delete base.shard;
  delete base.start_at;
  const numbers = (key: string) => docs.map((d) => d.config[key] as number | null | undefined);
  const rates = numbers('rate');
  return {
    ...base,
    concurrency: totals.concurrency,
    // --users: each shard's users are its concurrency; the merged run had them all.
    ...(base.users !== undefined ? { users: totals.concurrency } : {}),
    requests: sumNullable(numbers('requests')),
    rate: rates.every((r) => r === null || r === undefined) ? null : rates.reduce<number>((s, r) => s + (r ?? 0), 0),
    ...(numbers('prompt_count').every((n) => typeof n === 'number') ? { prompt_count: sumNullable(numbers('prompt_count')) } : {}),
    shards: shardCount,
  };
}

/**
 * Summary fields other parts add beyond what `buildSummary` derives (e.g. token-count cross-checks): kept when
 * every input has the same value, otherwise left out and named. Returns the names left out.
 */
function carrySummaryExtras(docs: readonly ResultDocument[], summary: ResultDocument['summary']): string[] {
  const dropped: string[] = [];
  const keys = new Set(docs.flatMap((d) => Object.keys(d.summary)));
  for (const key of [...keys].sort()) {
    if (key in summary || key === 'goodput') continue;
    const values = docs.map((d) => JSON.stringify(d.summary[key]));
    const known = mergeSummaryExtra(key, docs.map((d) => d.summary[key]));
    if (known !== undefined) summary[key] = known;
    else if (values.every((v) => v === values[0])) summary[key] = docs[0]!.summary[key];
    else dropped.push(key);
  }
  return dropped;
}

/** Goodput is a rate over each shard's own window; the count behind it is re-divided by the union window. */
function mergeGoodput(docs: readonly ResultDocument[], durationS: number): number | undefined {
  const parts = docs.map((d) => ({ goodput: d.summary.goodput, duration: d.summary.duration_s }));
  if (!parts.every((p) => typeof p.goodput === 'number')) return undefined;
  const met = parts.reduce((sum, p) => sum + (p.goodput as number) * p.duration, 0);
  return durationS > 0 ? Math.round((met / durationS) * 1000) / 1000 : 0;
}

/** Server metrics, one copy per scraped URL (shards usually scrape the same server), shifted onto the merged origin. */
function mergeServerMetrics(docs: readonly ResultDocument[], originMs: number | null): Record<string, unknown> {
  type Doc = { url: string; t0_epoch_ms: number; scrapes: number; series: Record<string, Array<[number, number]>> };
  const byUrl = new Map<string, Doc>();
  /** Speculative decoding's counters are server-wide: the shard that scraped a URL longest saw the most of the run. */
  const specByUrl = new Map<string, unknown>();
  for (const doc of docs) {
    const metrics = doc.server_metrics as Doc | undefined;
    if (!metrics || typeof metrics.url !== 'string') continue;
    const first = (m: Doc) => Math.min(...Object.values(m.series).map((s) => (s[0] ? m.t0_epoch_ms + s[0][0] * 1000 : Infinity)));
    const held = byUrl.get(metrics.url);
    if (!held || metrics.scrapes > held.scrapes || (metrics.scrapes === held.scrapes && first(metrics) < first(held))) {
      byUrl.set(metrics.url, metrics);
      specByUrl.set(metrics.url, doc.speculative_decoding);
    }
  }
  if (byUrl.size === 0 || originMs === null) return {};
  const t0 = Math.round(originMs);
  const shifted = [...byUrl.keys()].sort().map((url) => {
    const m = byUrl.get(url)!;
    const shiftMs = m.t0_epoch_ms - t0;
    const series: Record<string, Array<[number, number]>> = {};
    for (const [name, points] of Object.entries(m.series)) series[name] = points.map(([t, v]) => [(Math.round(t * 1000) + shiftMs) / 1000, v]);
    return { ...m, t0_epoch_ms: t0, series };
  });
  const spec = specByUrl.get(shifted[0]!.url);
  return {
    server_metrics: shifted[0],
    ...(shifted.length > 1 ? { server_metrics_more: shifted.slice(1) } : {}),
    ...(spec !== undefined ? { speculative_decoding: spec } : {}),
  };
}

/**
 * One result from many. Histograms merge bucket-wise (exact), counters add, the window is the union
 * (earliest first send to latest end, epoch ms), throughput is over that window, the time series are
 * aligned on wall-clock seconds. The inputs' order never matters and merging one result gives it back.
 */
export function mergeResults(inputs: readonly ResultDocument[]): ResultDocument & { merged: MergedSection } {
  if (inputs.length === 0) throw new UsageError('merge: give at least one result.json');
  inputs.forEach(totalsOf);
  const docs = canonical(inputs);
  const entries = docs.flatMap(shardEntries);
  const totals = mergeTotals(docs.map(totalsOf));
  const histograms = mergeHistograms(docs);
  const summary = buildSummary(totals, histograms);
  const goodput = mergeGoodput(docs, summary.duration_s);
  if (goodput !== undefined) summary.goodput = goodput;
  const merged = describeShards(entries);
  const dropped = carrySummaryExtras(docs, summary);
  if (dropped.length > 0) merged.notes.push(`summary fields that differ between inputs and cannot be merged from totals and histograms, left out: ${dropped.join(', ')}`);
  const first = docs[0]!;
  return {
    schema: first.schema,
    tool: first.tool,
    started_at: docs.map((d) => d.started_at).sort()[0]!,
    ended_at: docs.map((d) => d.ended_at).sort().at(-1)!,
    interrupted: docs.some((d) => d.interrupted),
    simulated: docs.some((d) => d.simulated),
    config: mergeConfig(docs, totals, entries.length),
    summary,
    totals,
    histograms,
    timeseries: mergeTimeseries(docs, totals.first_send_epoch_ms),
    ...mergeArrivals(docs),
    client: mergeClient(docs, histograms),
    ...mergeServerMetrics(docs, totals.first_send_epoch_ms),
    merged,
  };
}
