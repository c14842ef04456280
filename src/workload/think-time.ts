// Think time (--think-time): the pause a user takes between reading a reply and sending the next turn, seeded.
import { UsageError } from '../errors.js';
import { seededRandom } from '../util/random.js';
import { exponential, standardNormal } from './random.js';

/**
 * Grammar (product surface, so written down here). Each TIME is a duration like every other time flag
 * (500ms, 2s, 1.5m; a bare number is seconds); 0 is allowed (no pause).
 *   TIME              every pause TIME
 *   MIN:MAX           uniform in [MIN, MAX]
 *   normal:MEAN,SD    normal with mean MEAN and standard deviation SD; a draw below 0 is 0 (no pause)
 *   exp:MEAN          exponential with mean MEAN (memoryless users)
 *   data              each conversation's recorded pauses (think_time_s or message timestamps; 0 where none)
 */
export type ThinkTimeSpec =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; sdMs: number }
  | { kind: 'exp'; meanMs: number }
  | { kind: 'data' };

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A pause longer than an hour is a typo, not a user: every longer value is refused. */
const MAX_THINK_MS = 3_600_000;

function timeMs(text: string, whole: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new UsageError(`--think-time ${whole}: "${text}" is not a duration; use forms like 2s, 500ms (a bare number is seconds)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  if (ms > MAX_THINK_MS) throw new UsageError(`--think-time ${whole}: "${text}" is longer than 1h; a think time is a pause between turns`);
  return ms;
}

export function parseThinkTime(text: string): ThinkTimeSpec {
  const trimmed = text.trim();
  if (trimmed === 'data') return { kind: 'data' };
  const normal = /^normal:([^,]+),(.+)$/.exec(trimmed);
  if (normal) return { kind: 'normal', meanMs: timeMs(normal[1]!, text), sdMs: timeMs(normal[2]!, text) };
  const exp = /^exp:(.+)$/.exec(trimmed);
  if (exp) return { kind: 'exp', meanMs: timeMs(exp[1]!, text) };
  if (/^[a-z]+:/i.test(trimmed)) throw new UsageError(`--think-time ${text}: unknown form; use TIME, MIN:MAX, normal:MEAN,SD, exp:MEAN or data`);
  const range = /^([^:]+):([^:]+)$/.exec(trimmed);
  if (range) {
    const minMs = timeMs(range[1]!, text);
    const maxMs = timeMs(range[2]!, text);
    if (maxMs < minMs) throw new UsageError(`--think-time ${text}: MIN must not exceed MAX`);
    return minMs === maxMs ? { kind: 'fixed', ms: minMs } : { kind: 'uniform', minMs, maxMs };
  }
  return { kind: 'fixed', ms: timeMs(trimmed, text) };
}

const seconds = (ms: number): string => `${Number((ms / 1000).toPrecision(6))}s`;

/** The spec as the result's config records it (durations in seconds, so it parses back to the same spec). */
export function describeThinkTime(spec: ThinkTimeSpec): string {
  switch (spec.kind) {
    case 'fixed':
      return seconds(spec.ms);
    case 'uniform':
      return `${seconds(spec.minMs)}:${seconds(spec.maxMs)}`;
    case 'normal':
      return `normal:${seconds(spec.meanMs)},${seconds(spec.sdMs)}`;
    case 'exp':
      return `exp:${seconds(spec.meanMs)}`;
    case 'data':
      return 'data';
  }
}

/** A well-mixed 32-bit seed from the run's seed and a request index (the pause after that request's reply). */
function mix(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 0x632be5ab, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The pause after the reply to request `index`. Drawn from seed and index, not from a shared stream, so the
 * same seed gives every request the same pause whatever order replies arrive in and however many --workers.
 * `recordedMs` is the dataset's pause for this turn (used by `data`; absent: 0).
 */
export function drawThinkMs(spec: ThinkTimeSpec, seed: number, index: number, recordedMs?: number): number {
  if (spec.kind === 'data') return recordedMs ?? 0;
  if (spec.kind === 'fixed') return spec.ms;
  const random = seededRandom(mix(seed, index));
  switch (spec.kind) {
    case 'uniform':
      return spec.minMs + random() * (spec.maxMs - spec.minMs);
    case 'normal':
      return Math.max(0, spec.meanMs + spec.sdMs * standardNormal(random));
    case 'exp':
      return Math.min(MAX_THINK_MS, exponential(random, spec.meanMs));
  }
}
