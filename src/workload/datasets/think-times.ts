// A multi-turn record's recorded pauses between turns (--think-time data): "think_time_s", or per-message timestamps.

/**
 * Two ways a record carries them (documented in docs/workloads.md):
 *   "think_time_s": [4.5, 12]   one pause per later user turn, in seconds, before that turn (after the reply to the one before)
 *   "timestamp" on each message of "messages" / "conversations" (epoch seconds, or an ISO 8601 string): the pause
 *   before user turn k is its timestamp minus the timestamp of the reply that precedes it (when the reply has one).
 * Returns the pauses in ms (index k - 1 for user turn k; 0 where the record does not say), undefined when the record
 * carries neither, or a message saying what is malformed.
 */
export function recordedThinkTimesMs(record: Record<string, unknown>, userTurns: number): number[] | undefined | string {
  if (record.think_time_s !== undefined) {
    const value = record.think_time_s;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      return '"think_time_s" must be an array of seconds (numbers of at least 0), one per user turn after the first';
    }
    if (value.length !== userTurns - 1) return `"think_time_s" has ${value.length} value(s); the record has ${userTurns - 1} user turn(s) after the first`;
    return (value as number[]).map((s) => s * 1000);
  }
  const list = Array.isArray(record.messages) ? record.messages : Array.isArray(record.conversations) ? record.conversations : null;
  if (list === null || !list.some((m) => m && typeof m === 'object' && (m as { timestamp?: unknown }).timestamp !== undefined)) return undefined;
  const pauses: number[] = [];
  let replyMs: number | null = null;
  let seenUser = false;
  for (const [i, entry] of list.entries()) {
    const m = entry as { role?: unknown; from?: unknown; content?: unknown; value?: unknown; timestamp?: unknown };
    const atMs = m.timestamp === undefined ? null : timestampMs(m.timestamp);
    if (atMs === undefined) return `${Array.isArray(record.messages) ? 'messages' : 'conversations'}[${i}].timestamp must be epoch seconds or an ISO 8601 date`;
    const role = String(m.role ?? m.from ?? '').toLowerCase();
    const text = m.content ?? m.value;
    if ((role === 'user' || role === 'human') && typeof text === 'string' && text.length > 0) {
      if (seenUser) pauses.push(replyMs !== null && atMs !== null ? Math.max(0, atMs - replyMs) : 0);
      seenUser = true;
      replyMs = null;
    } else if (role !== 'system') {
      replyMs = atMs;
    }
  }
  return pauses;
}

/** Epoch seconds (a number) or an ISO date string, in ms; null for absent, undefined for unreadable. */
function timestampMs(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
