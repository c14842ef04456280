// BurstGPT traces (HPMLL/BurstGPT): CSV of Timestamp (s), Model, Request tokens, Response tokens, Total tokens, Log Type.
import { readCsv } from './csv.js';
import { countOf, type TraceReader, type TraceRecord } from './types.js';

/**
 * Rows with 0 response tokens are failed requests in BurstGPT (no reply was generated): they are skipped, as a
 * request asking for 0 tokens cannot be replayed, and reported through `problem` only when nothing else is usable.
 */
export const readBurstgpt: TraceReader = (path, problem) => {
  const records: TraceRecord[] = [];
  readCsv(
    path,
    (row, where) => {
      const seconds = Number(row.Timestamp);
      const inputTokens = countOf(row['Request tokens']);
      const outputTokens = countOf(row['Response tokens']);
      if (row.Timestamp === '' || !Number.isFinite(seconds) || seconds < 0) return problem(where, `Timestamp "${row.Timestamp}" must be seconds, at least 0`);
      if (inputTokens === null || outputTokens === null) return problem(where, '"Request tokens" and "Response tokens" must be whole numbers');
      if (inputTokens < 1 || outputTokens < 1) return; // a failed request in the trace: nothing to replay
      records.push({ timestampMs: seconds * 1000, inputTokens, outputTokens, where });
    },
    (names, where) => {
      for (const name of ['Timestamp', 'Request tokens', 'Response tokens']) if (!names.includes(name)) problem(where, `the header has no "${name}" column (BurstGPT: Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type)`);
    },
  );
  return records;
};
