// Console lines for the load's shape: users and conversations with the in-flight they produced, and the arrival curve's fit.
import type { ResultDocument } from '../metrics/schema.js';

const num = (value: number | null | undefined, digits = 2): string => (typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toFixed(digits))) : '-');

/**
 * "Users: 8 conversation loops (think time normal:5s,2s), 24 conversations, 3.2 turns each; requests in flight:
 * mean 2.41, peak 7" — with users, concurrency is emergent, so what it came to is said. Null outside conversation runs.
 */
export function usersLine(result: ResultDocument): string | null {
  const s = result.summary;
  if (typeof s.conversations !== 'number') return null;
  const users = typeof result.config.users === 'number' ? result.config.users : null;
  const think = typeof result.config.think_time === 'string' ? ` (think time ${result.config.think_time})` : '';
  const lead = users !== null ? `Users: ${users} conversation loop${users === 1 ? '' : 's'}${think}, ` : `Conversations${think}: `;
  return `${lead}${s.conversations} conversation${s.conversations === 1 ? '' : 's'} started, ${num(s.turns_per_conversation)} turns each; requests in flight: mean ${num(s.mean_in_flight)}, peak ${s.max_in_flight}`;
}

/** "Arrivals: 48 of 48 scheduled sent; at worst 3 behind the trace (31.25 ms buckets)". Null without an open loop. */
export function arrivalsLine(result: ResultDocument): string | null {
  const a = result.arrivals;
  if (!a || a.scheduled_total === 0) return null;
  const source = typeof result.config.trace_format === 'string' ? 'the trace' : 'schedule';
  const bucket = a.bucket_ms >= 1000 ? `${a.bucket_ms / 1000} s` : `${a.bucket_ms} ms`;
  return `Arrivals: ${a.achieved_total} of ${a.scheduled_total} scheduled sent; at worst ${a.max_cumulative_deviation} request${a.max_cumulative_deviation === 1 ? '' : 's'} off ${source} (${bucket} buckets; report.html draws both curves)`;
}
