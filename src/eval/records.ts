// Rows of a Hugging Face dataset split as published (Parquet) or exported (JSON Lines, JSON array), with file:row names.
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { UsageError } from '../errors.js';
import { parseJsonl, readJson, readText } from './data.js';

export interface SourcedRecord {
  /** "file:line" for JSON Lines, "file#row" for Parquet and JSON arrays. */
  where: string;
  value: Record<string, unknown>;
}

/**
 * Parquet is how the Hub serves most current benchmarks (MMLU-Pro, MATH-500 mirrors, AIME sets); hyparquet
 * reads it in plain JavaScript with Snappy built in. Large integers arrive as BigInt: turned into numbers.
 */
async function readParquet(file: string): Promise<SourcedRecord[]> {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = (await parquetReadObjects({ file: buffer as ArrayBuffer })) as Array<Record<string, unknown>>;
  } catch (error) {
    throw new UsageError(`${file}: not a readable Parquet file (${(error as Error).message}); export the split as JSON Lines instead`);
  }
  const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain) : v);
  return rows.map((row, i) => ({ where: `${file}#${i + 1}`, value: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])) }));
}

/** Every row of one split file: .parquet, .jsonl(.gz) or .json (an array of objects). */
export async function readRecords(file: string): Promise<SourcedRecord[]> {
  if (file.endsWith('.parquet')) return readParquet(file);
  if (/\.jsonl(\.gz)?$/.test(file)) return parseJsonl(readText(file), file).map(({ line, value }) => ({ where: `${file}:${line}`, value }));
  const doc = readJson(file);
  if (!Array.isArray(doc)) throw new UsageError(`${file}: expected a JSON array of records`);
  return doc.map((value, i) => {
    if (value === null || typeof value !== 'object') throw new UsageError(`${file}#${i + 1}: expected a JSON object`);
    return { where: `${file}#${i + 1}`, value: value as Record<string, unknown> };
  });
}

/** A split's files: `<split>.jsonl`, `<split>.json`, or the Hub's `<split>-00000-of-00001.parquet` shards. */
export const splitPattern = (split: string): RegExp => new RegExp(`(^|/)${split}(-\\d+-of-\\d+)?\\.(parquet|jsonl|jsonl\\.gz|json)$`);
