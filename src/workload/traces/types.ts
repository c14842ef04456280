// What every trace format yields: one recorded request, its time and lengths, and (Mooncake) its shared blocks.

/** One request of a production trace. */
export interface TraceRecord {
  /** When it arrived, ms from the trace's own origin. */
  timestampMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Mooncake: the ids of the prompt's 512-token blocks; a block id means the same text in every request that carries it. */
  hashIds?: number[];
  /** `file:line`, for messages. */
  where: string;
}

/** A trace format's reader: the file's records, bad ones reported through `problem` with file:line. */
export type TraceReader = (path: string, problem: (where: string, message: string) => void) => TraceRecord[];

/** A whole non-negative number, or null. */
export function countOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}
