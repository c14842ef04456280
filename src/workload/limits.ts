// The bounds on workload sizes (token counts, rates, dataset records): past them a run would exhaust memory or never end.
import { UsageError } from '../errors.js';

/**
 * Most tokens in one prompt or one reply. Above the longest context windows served today; a larger
 * `--input-tokens` builds strings V8 cannot hold (1e9 tokens ended in a fatal out-of-memory error).
 */
export const MAX_TOKENS = 10_000_000;

/**
 * Most prompt tokens the random dataset builds in memory (about 4 characters each). Runs asking for more
 * unique prompts than fit reuse fewer of them in order, as runs beyond 10,000 requests already do.
 */
export const MAX_RANDOM_TOKENS_IN_MEMORY = 32_000_000;

/** Slowest open-loop rate: one request per 1,000 s on average. Slower arrivals are a wait, not a load test. */
export const MIN_RATE_PER_S = 0.001;

/** Fastest open-loop rate: far beyond what one client sends; above it every arrival lands at time zero. */
export const MAX_RATE_PER_S = 1_000_000;

/** Largest dataset record (one line of JSONL, one element of a ShareGPT array, one line of a text file). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** A whole number of tokens, at least 1 and at most MAX_TOKENS; `message` names the flag and the text. */
export function checkTokens(value: number, flag: string, whole: string, hint = ''): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} ${whole}: must be a whole number of at least 1${hint}`);
  }
  if (value > MAX_TOKENS) {
    throw new UsageError(`${flag} ${whole}: at most ${MAX_TOKENS.toLocaleString('en-US')} tokens (longer than any context window served today)`);
  }
  return value;
}

/** An open-loop rate within [MIN_RATE_PER_S, MAX_RATE_PER_S], or a one-line UsageError naming the flag. */
export function checkRate(ratePerS: number, flag: string, text = String(ratePerS)): number {
  if (!Number.isFinite(ratePerS) || ratePerS <= 0) throw new UsageError(`${flag} ${text}: must be a number greater than zero`);
  if (ratePerS < MIN_RATE_PER_S) throw new UsageError(`${flag} ${text}: must be at least ${MIN_RATE_PER_S} (one request per ${1 / MIN_RATE_PER_S} s)`);
  if (ratePerS > MAX_RATE_PER_S) throw new UsageError(`${flag} ${text}: must be at most ${MAX_RATE_PER_S.toLocaleString('en-US')} requests/s`);
  return ratePerS;
}
