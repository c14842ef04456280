// `--start-at ISO-TIME`: shards on different machines wait for one shared wall-clock instant, so their load overlaps.
import { UsageError } from '../errors.js';

/** A start more than this far ahead is almost certainly a typo (wrong day or time zone). */
const MAX_WAIT_MS = 24 * 3_600_000;
/** The last stretch of the wait is polled in small steps: a long setTimeout can fire a few ms late. */
const FINE_WAIT_MS = 50;

/** ISO 8601 with an explicit zone (Z or ±hh:mm): a time without one means different instants on different machines. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses the flag into epoch milliseconds; `nowMs` only bounds how far ahead it may be. */
export function parseStartAt(text: string, nowMs: number = Date.now()): number {
  const trimmed = text.trim();
  const epochMs = ISO_WITH_ZONE.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (!Number.isFinite(epochMs)) {
    throw new UsageError(`--start-at ${text}: expected an ISO time with a zone, e.g. 2026-01-31T12:00:00Z (try: date -u -d '+1 min' +%FT%TZ)`);
  }
  if (epochMs - nowMs > MAX_WAIT_MS) throw new UsageError(`--start-at ${text}: more than 24 hours ahead; check the date and the zone`);
  return epochMs;
}

/**
 * Resolves at `epochMs` by this machine's clock (the earliest moment, never early), or at once when it has
 * passed. Returns how late the start was, in ms (0 when the wait ended on time).
 */
export async function waitUntil(epochMs: number, now: () => number = Date.now): Promise<number> {
  for (;;) {
    const remainingMs = epochMs - now();
    if (remainingMs <= 0) return Math.max(0, -remainingMs);
    const stepMs = remainingMs > FINE_WAIT_MS * 2 ? remainingMs - FINE_WAIT_MS : Math.min(remainingMs, 5);
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, stepMs)));
  }
}
