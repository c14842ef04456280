// Azure LLM inference traces (Azure/AzurePublicDataset, 2023 and 2024): CSV of TIMESTAMP, ContextTokens, GeneratedTokens.
import { readCsv } from './csv.js';
import { countOf, type TraceReader, type TraceRecord } from './types.js';

/**
 * TIMESTAMP is a wall-clock time such as `2023-11-16 18:15:46.6805900` (UTC, 7 fraction digits, which
 * Date.parse does not take: cut to ms here); plain numbers are taken as seconds.
 */
export function azureTimeMs(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(ms)) return null;
  return ms + Number(`0.${m[3] ?? '0'}`) * 1000;
}

export const readAzure: TraceReader = (path, problem) => {
  const records: TraceRecord[] = [];
  readCsv(
    path,
    (row, where) => {
      const timestampMs = azureTimeMs(row.TIMESTAMP ?? '');
      const inputTokens = countOf(row.ContextTokens);
      const outputTokens = countOf(row.GeneratedTokens);
      if (timestampMs === null) return problem(where, `TIMESTAMP "${row.TIMESTAMP}" is not a time such as 2023-11-16 18:15:46.680`);
      if (inputTokens === null || inputTokens < 1) return problem(where, 'ContextTokens must be a whole number of at least 1');
      if (outputTokens === null || outputTokens < 1) return problem(where, 'GeneratedTokens must be a whole number of at least 1');
      records.push({ timestampMs, inputTokens, outputTokens, where });
    },
    (names, where) => {
      for (const name of ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']) if (!names.includes(name)) problem(where, `the header has no ${name} column (an Azure trace has TIMESTAMP,ContextTokens,GeneratedTokens)`);
    },
  );
  return records;
};
