// Mooncake traces (FAST'25, kvcache-ai/Mooncake): JSON Lines of {timestamp (ms), input_length, output_length, hash_ids}.
import { readLines } from '../datasets/source.js';
import { countOf, type TraceReader, type TraceRecord } from './types.js';

export const readMooncake: TraceReader = (path, problem) => {
  const records: TraceRecord[] = [];
  readLines(path, undefined, (text, line) => {
    if (text.trim() === '') return;
    const where = `${path}:${line}`;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return problem(where, 'not valid JSON; each line must be {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}');
    }
    const timestampMs = typeof value.timestamp === 'number' && Number.isFinite(value.timestamp) && value.timestamp >= 0 ? value.timestamp : null;
    const inputTokens = countOf(value.input_length);
    const outputTokens = countOf(value.output_length);
    if (timestampMs === null) return problem(where, '"timestamp" must be a number of ms, at least 0');
    if (inputTokens === null || inputTokens < 1) return problem(where, '"input_length" must be a whole number of at least 1');
    if (outputTokens === null || outputTokens < 1) return problem(where, '"output_length" must be a whole number of at least 1');
    const ids = value.hash_ids;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => countOf(id) !== null))) return problem(where, '"hash_ids" must be a list of whole numbers');
    records.push({ timestampMs, inputTokens, outputTokens, hashIds: (ids as number[] | undefined) ?? [], where });
  });
  return records;
};
