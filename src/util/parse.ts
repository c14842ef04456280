// Flag value parsers shared by every command: each turns text into a typed value or a one-line UsageError.
import { UsageError } from '../errors.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration any flag takes: Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer one
 * fires at once (with a TimeoutOverflowWarning), so `--timeout 600h` would time every request out at once.
 */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;

/** `30s`, `1.5m`, `500ms`, `2h`; a bare number means seconds. At most 24 days (576h). */
export function parseDurationMs(text: string, flag: string, allowZero = false): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new UsageError(`${flag} ${text}: not a duration; use forms like 30s, 500ms, 5m`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's'];
  if (!(ms > 0) && !(allowZero && ms === 0)) throw new UsageError(`${flag} ${text}: must be greater than zero`);
  if (ms > MAX_DURATION_MS) throw new UsageError(`${flag} ${text}: must be at most 576h (24 days, the longest wait a timer holds)`);
  return ms;
}

const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
/** Bounds a size flag can sensibly take: a line of 1 KiB is already small, and 1 GiB per event is no bound at all. */
const MIN_BYTES = 1024;
const MAX_BYTES = 1024 ** 3;

/** `1048576`, `512KB`, `1MB`, `2MiB` (binary multiples: 1 MB = 1,048,576 bytes), from 1 KiB to 1 GiB. */
export function parseByteCount(text: string, flag: string): number {
  const match = BYTE_SIZE.exec(text.trim());
  if (!match) throw new UsageError(`${flag} ${text}: not a size; use bytes or forms like 512KB, 1MB`);
  const bytes = Math.round(Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b')[0]!.toLowerCase()]!);
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) throw new UsageError(`${flag} ${text}: must be between 1KB and 1GB`);
  return bytes;
}

export function parsePositiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} ${text}: must be a whole number of at least 1`);
  return value;
}

export function parseNonNegativeInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${flag} ${text}: must be a whole number of at least 0`);
  return value;
}

export function parsePositiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} ${text}: must be a number greater than zero`);
  return value;
}

/** `--header "Name: value"`; repeated flags collect into one record. The value is never echoed back. */
export function parseHeader(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    throw new UsageError(`--header: expected "Name: value" (got a value without a valid header name)`);
  }
  return { ...previous, [name]: text.slice(colon + 1).trim() };
}

export function parseJsonObject(text: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag}: not valid JSON; pass an object such as '{"temperature": 0}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${flag}: must be a JSON object such as '{"temperature": 0}'`);
  }
  return value as Record<string, unknown>;
}

export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} ${text}: must be one of ${choices.join(', ')}`);
  }
  return text as T;
}

/** Collects a repeatable string flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `a=50,b=200`: prefill time per served model, ms (--model-ttft, --sim-model-ttft); `=` because names may hold `:`. */
export function parseModelTtft(text: string, flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of text.split(',')) {
    const eq = entry.lastIndexOf('=');
    const name = entry.slice(0, eq).trim();
    const ms = Number(entry.slice(eq + 1));
    if (eq < 1 || name === '' || entry.slice(eq + 1).trim() === '' || !Number.isFinite(ms) || ms < 0) {
      throw new UsageError(`${flag} ${text}: entry "${entry}" is not NAME=MS; use a form like a=50,b=200`);
    }
    out[name] = ms;
  }
  return out;
}

/** `a,b`: the names a simulator serves (--models). */
export function parseModelList(text: string, flag: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new UsageError(`${flag} ${text}: an empty name; use a form like a,b`);
  return names;
}
