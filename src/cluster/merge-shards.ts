// What a merged result says about its shards: who ran what and when, overlap, late starts, suspected clock skew.
import { UsageError } from '../errors.js';
import type { ResultDocument } from '../metrics/schema.js';
import type { RunTotals } from '../metrics/summary.js';
import { skewBetween, type ClockOffset } from './clock-probe.js';

/** The `shard` block a sharded run writes into its result. */
export interface ShardSection {
  index: number;
  count: number;
  /** `I/N` */
  label: string;
  host: string;
  /** The shared `--start-at` instant (ISO), or null. */
  start_at: string | null;
  /** How long after `start_at` the first request went out, by this machine's clock. */
  start_late_ms: number | null;
  base_seed: number;
  seed: number;
  /** This machine's clock against the server's `Date` headers (null: no dated response). */
  server_clock_offset_ms: ClockOffset | null;
}

/** One input of a merge, as the merged result lists it. */
export interface ShardEntry {
  /** `I/N`, or null for a run that was not sharded. */
  shard: string | null;
  host: string | null;
  started_at: string;
  start_at: string | null;
  first_send_epoch_ms: number | null;
  last_end_epoch_ms: number | null;
  concurrency: number;
  sent: number;
  succeeded: number;
  failed: number;
  server_clock_offset_ms?: ClockOffset | null;
}

export interface MergedSection {
  count: number;
  shards: ShardEntry[];
  /** Latest first send minus earliest (each by its own machine's clock). */
  start_spread_ms: number;
  /** Share of the union window during which every input was running (1 = full overlap). */
  overlap_fraction: number;
  clock_skew_suspected: boolean;
  /** Bounds on the largest clock difference between shards, from the server's `Date` headers (null: unknown). */
  clock_skew_ms: { at_least: number; at_most: number } | null;
  notes: string[];
}

/** Beyond this, per-second buckets of different shards no longer line up: worth a note. */
const NOTABLE_MS = 1000;

/** The inputs a document stands for: its own list when it is already a merge, else itself. */
export function shardEntries(doc: ResultDocument): ShardEntry[] {
  const merged = doc.merged as Partial<MergedSection> | undefined;
  if (merged && Array.isArray(merged.shards)) return merged.shards;
  const totals = doc.totals as RunTotals;
  const shard = doc.shard as ShardSection | undefined;
  return [
    {
      shard: shard?.label ?? null,
      host: shard?.host ?? null,
      started_at: doc.started_at,
      start_at: shard?.start_at ?? null,
      first_send_epoch_ms: totals.first_send_epoch_ms,
      last_end_epoch_ms: totals.last_end_epoch_ms,
      concurrency: totals.concurrency,
      sent: totals.sent - totals.warmup,
      succeeded: totals.succeeded,
      failed: totals.failed,
      server_clock_offset_ms: shard?.server_clock_offset_ms ?? null,
    },
  ];
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function checkShardSet(entries: readonly ShardEntry[], notes: string[]): void {
  const labels = entries.map((e) => e.shard).filter((s): s is string => s !== null);
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new UsageError(`merge: shard ${label} appears twice; each shard's result must be merged once`);
    seen.add(label);
  }
  const counts = new Set(labels.map((l) => Number(l.split('/')[1])));
  if (counts.size > 1) notes.push(`the inputs come from splits of different sizes (${[...counts].sort((a, b) => a - b).map((n) => `/${n}`).join(', ')})`);
  if (counts.size === 1 && labels.length === entries.length) {
    const count = [...counts][0]!;
    const missing = Array.from({ length: count }, (_, i) => `${i}/${count}`).filter((l) => !seen.has(l));
    if (missing.length > 0) notes.push(`shards missing: ${missing.join(', ')} (the merged load is ${labels.length} of ${count} shares)`);
  }
}

/** Sorts the inputs (order-independent) and works out the notes a reader of the merged report needs. */
export function describeShards(input: readonly ShardEntry[]): MergedSection {
  const entries = input.slice().sort(
    (a, b) => (a.first_send_epoch_ms ?? Infinity) - (b.first_send_epoch_ms ?? Infinity) || (a.shard ?? '').localeCompare(b.shard ?? '') || a.started_at.localeCompare(b.started_at),
  );
  const notes: string[] = [];
  checkShardSet(entries, notes);
  const active = entries.filter((e) => e.first_send_epoch_ms !== null && e.last_end_epoch_ms !== null);
  const firsts = active.map((e) => e.first_send_epoch_ms!);
  const lasts = active.map((e) => e.last_end_epoch_ms!);
  const spreadMs = active.length > 0 ? Math.max(...firsts) - Math.min(...firsts) : 0;
  const unionMs = active.length > 0 ? Math.max(...lasts) - Math.min(...firsts) : 0;
  const overlapMs = active.length > 0 ? Math.max(0, Math.min(...lasts) - Math.max(...firsts)) : 0;
  const overlap = unionMs > 0 ? overlapMs / unionMs : 1;
  let skew = false;

  const late = active.filter((e) => e.start_at !== null && e.first_send_epoch_ms! - Date.parse(e.start_at) > NOTABLE_MS);
  for (const e of late) {
    notes.push(`shard ${e.shard ?? '?'}${e.host ? ` (${e.host})` : ''} started ${seconds(e.first_send_epoch_ms! - Date.parse(e.start_at!))} after --start-at: it was scheduled or ready late`);
  }
  const startAts = new Set(active.map((e) => e.start_at));
  // Each shard waits for --start-at by its own clock and stamps its sends with that clock, so skew between
  // machines hides in the start times; only a spread without a shared start (or late starts) shows up there.
  if (active.length > 1 && spreadMs > NOTABLE_MS && startAts.has(null)) {
    skew = true;
    notes.push(`first sends span ${seconds(spreadMs)} without a shared --start-at: late starts or clock skew between machines; use --start-at on NTP-synced clocks`);
  }
  const offsets = entries.map((e) => e.server_clock_offset_ms).filter((o): o is ClockOffset => !!o);
  const bounds = skewBetween(offsets);
  if (bounds && bounds.atLeastMs > 0) {
    skew = true;
    notes.push(`the shards' clocks differ by at least ${bounds.atLeastMs} ms (at most ${bounds.atMostMs} ms), judged against the server's Date headers: their time series are offset by that much; sync the clocks (NTP/chrony)`);
  }
  if (active.length > 1 && overlap < 0.9) {
    notes.push(`the inputs ran together for ${Math.round(overlap * 100)}% of the merged window: throughput over the union window understates the load they generated together`);
  }
  if (active.length > 1 && spreadMs <= NOTABLE_MS && startAts.size === 1 && !startAts.has(null)) {
    notes.push('the shards started within 1 s of each other at the shared --start-at (by their own clocks: keep them NTP-synced)');
  }
  return { count: entries.length, shards: entries, start_spread_ms: round(spreadMs), overlap_fraction: round(overlap), clock_skew_suspected: skew, clock_skew_ms: bounds ? { at_least: bounds.atLeastMs, at_most: bounds.atMostMs } : null, notes };
}
