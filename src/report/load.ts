// Loads a saved result.json (or the folder holding one) and its request records, for `report` and `compare`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { RESULT_SCHEMA, type RequestRecord, type ResultDocument } from '../metrics/schema.js';
import { readRequestRecords, requestsFileBeside, requestsRunId } from './requests-file.js';

export interface LoadedResult {
  path: string;
  result: ResultDocument;
  /** requests.csv / requests.jsonl beside the result, or null when there is none. */
  records: RequestRecord[] | null;
}

export function loadResult(pathOrDir: string): LoadedResult {
  let path = pathOrDir;
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'result.json');
  if (!existsSync(path)) throw new UsageError(`${pathOrDir}: no such result file (pass a result.json or the --out folder of a run)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const doc = parsed as Partial<ResultDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.schema !== RESULT_SCHEMA || typeof doc.summary !== 'object' || typeof doc.config !== 'object') {
    throw new UsageError(`${path}: not an llmperf result (expected "schema": "${RESULT_SCHEMA}")`);
  }
  const requests = requestsFileBeside(path);
  // A result and a requests file from two different runs (a reused folder, a run killed after its first file):
  // rendering them together would mix two measurements without a word.
  const fileRunId = requests === null ? null : requestsRunId(requests);
  // (A result without an id beside a file with one: the file is from a newer run than the result.)
  if (fileRunId !== null && fileRunId !== doc.run_id) {
    throw new UsageError(`${path}: run ${doc.run_id ?? '(no id)'}, but ${requests} belongs to run ${fileRunId}; they were not written by the same run (rerun, or move one of them away)`);
  }
  return { path, result: doc as ResultDocument, records: requests === null ? null : readRequestRecords(requests) };
}
