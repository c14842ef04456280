// The simulator's capacity model as pure functions, so tests and capacity searches can compute the truth.
//
// Model (also in docs/simulator.md):
// - A request is admitted into one of `slots` slots on arrival, or waits in a FIFO queue until one frees.
// - Its first token is written ttftMs after admission.
// - Each later token is written itlEffectiveMs(active) after the previous one's scheduled time, where
//   `active` is the number of admitted sequences at that moment (itself included):
//     itlEffectiveMs = itlMs * (1 + contention * (active - 1) / slots)
// - The slot is held from admission until the last token has been written.
import type { MockConfig } from './options.js';

type CapacityParams = Pick<MockConfig, 'ttftMs' | 'itlMs' | 'slots' | 'contention'>;

/** Interval between two tokens of one sequence while `active` sequences hold slots. */
export function itlEffectiveMs(config: CapacityParams, active: number): number {
  const a = Math.max(1, Math.min(active, config.slots));
  return config.itlMs * (1 + (config.contention * (a - 1)) / config.slots);
}

/** Time one request holds its slot (admission to last token) when `active` stays constant. */
export function serviceTimeMs(config: CapacityParams, active: number, outputTokens: number): number {
  return config.ttftMs + Math.max(0, outputTokens - 1) * itlEffectiveMs(config, active);
}

/** Steady-state figures for a closed loop of `concurrency` clients that resend at once. */
export interface SteadyState {
  /** Sequences holding slots. */
  active: number;
  /** Requests waiting for a slot. */
  queued: number;
  itlMs: number;
  /** Client-visible TTFT: queue wait plus ttftMs. */
  ttftMs: number;
  /** Client-visible latency: queue wait plus service time. */
  latencyMs: number;
  requestsPerS: number;
  outputTokensPerS: number;
}

/**
 * Closed loop: `concurrency` requests always outstanding, each of `outputTokens` tokens.
 * With concurrency > slots the extra requests queue; by Little's law each waits
 * (concurrency - slots) / requestsPerS on average.
 */
export function closedLoopSteadyState(config: CapacityParams, concurrency: number, outputTokens: number): SteadyState {
  const active = Math.max(1, Math.min(concurrency, config.slots));
  const queued = Math.max(0, concurrency - config.slots);
  const serviceMs = serviceTimeMs(config, active, outputTokens);
  const requestsPerS = (active * 1000) / serviceMs;
  const waitMs = queued > 0 ? (queued / requestsPerS) * 1000 : 0;
  return {
    active,
    queued,
    itlMs: itlEffectiveMs(config, active),
    ttftMs: waitMs + config.ttftMs,
    latencyMs: waitMs + serviceMs,
    requestsPerS,
    outputTokensPerS: requestsPerS * outputTokens,
  };
}

/** The highest sustainable arrival rate (requests/s): every slot busy. Above it the queue grows without bound. */
export function maxRequestRate(config: CapacityParams, outputTokens: number): number {
  return (config.slots * 1000) / serviceTimeMs(config, config.slots, outputTokens);
}

/**
 * The most active sequences whose token interval stays at or under `itlLimitMs`
 * (0 when even one sequence is slower; `slots` when all slots stay under it).
 */
export function maxActiveForItl(config: CapacityParams, itlLimitMs: number): number {
  if (itlEffectiveMs(config, 1) > itlLimitMs) return 0;
  if (config.contention === 0 || config.itlMs === 0) return config.slots;
  const a = 1 + ((itlLimitMs / config.itlMs - 1) * config.slots) / config.contention;
  return Math.max(1, Math.min(config.slots, Math.floor(a + 1e-9)));
}
