// Token-length specs (`512`, `128:2048`, `normal:512,128`) for --input-tokens and --output-tokens, and seeded sampling.
import { UsageError } from '../errors.js';
import { standardNormal } from './random.js';
import { checkTokens, MAX_TOKENS } from './limits.js';

/**
 * Grammar (written down here because it is product surface):
 *   N             every request N tokens
 *   MIN:MAX       uniform whole numbers in [MIN, MAX]
 *   normal:M,SD   normal with mean M and standard deviation SD, rounded, clamped to [1, M + 4 SD]
 */
export type LengthSpec =
  | { kind: 'fixed'; tokens: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number };

const wholeAtLeastOne = (text: string, flag: string, whole: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} ${whole}: "${text}" must be a whole number of at least 1; use N, MIN:MAX or normal:MEAN,SD`);
  }
  return checkTokens(value, flag, whole);
};

export function parseLengthSpec(text: string, flag: string): LengthSpec {
  const trimmed = text.trim();
  const normal = /^normal:([^,]+),(.+)$/.exec(trimmed);
  if (normal) {
    const mean = wholeAtLeastOne(normal[1]!.trim(), flag, text);
    const sd = Number(normal[2]!.trim());
    if (!Number.isFinite(sd) || sd < 0) throw new UsageError(`${flag} ${text}: the standard deviation must be a number of at least 0`);
    return { kind: 'normal', mean, sd };
  }
  const range = /^([^:]+):([^:]+)$/.exec(trimmed);
  if (range) {
    const min = wholeAtLeastOne(range[1]!.trim(), flag, text);
    const max = wholeAtLeastOne(range[2]!.trim(), flag, text);
    if (max < min) throw new UsageError(`${flag} ${text}: MIN must not exceed MAX`);
    return min === max ? { kind: 'fixed', tokens: min } : { kind: 'uniform', min, max };
  }
  return { kind: 'fixed', tokens: wholeAtLeastOne(trimmed, flag, text) };
}

/** Draws one length; `random` is the caller's seeded generator, so the same seed gives the same lengths. */
export function sampleLength(spec: LengthSpec, random: () => number): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.tokens;
    case 'uniform':
      return spec.min + Math.floor(random() * (spec.max - spec.min + 1));
    case 'normal': {
      const value = Math.round(spec.mean + spec.sd * standardNormal(random));
      return Math.min(Math.max(1, value), Math.ceil(spec.mean + 4 * spec.sd), MAX_TOKENS);
    }
  }
}

/** The largest length a spec can produce (memory bounds on what is built up front). */
export function maxLength(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.kind === 'uniform' ? spec.max : Math.min(MAX_TOKENS, Math.ceil(spec.mean + 4 * spec.sd));
}

/** The smallest length a spec can produce (checks such as "the shared prefix must fit"). */
export function minLength(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.kind === 'uniform' ? spec.min : 1;
}

export function describeLength(spec: LengthSpec): string {
  return spec.kind === 'fixed' ? `${spec.tokens}` : spec.kind === 'uniform' ? `${spec.min}:${spec.max}` : `normal:${spec.mean},${spec.sd}`;
}
