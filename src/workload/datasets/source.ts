// Reading dataset files: JSON Lines or a JSON array, each record with its line number, and errors collected as file:line.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { ChatMessage, Prompt } from '../prompts.js';
import type { TokenCounter } from '../tokenizer.js';

/** What every dataset loader gets. */
export interface DatasetContext {
  /** The client's token counter (a real tokenizer or the characters rule). */
  counter: TokenCounter;
}

/** A loaded dataset: its prompts, and records skipped on purpose (with file:line and why). */
export interface DatasetLoad {
  prompts: Prompt[];
  skipped: string[];
}

/** One record of a file, with where it starts. */
export interface SourceRecord {
  value: unknown;
  /** `file:line`, for messages. */
  where: string;
}

/** Collects every bad record, so a user fixes a file in one pass instead of one error per run. */
export class Problems {
  readonly errors: string[] = [];
  add(where: string, message: string): void {
    this.errors.push(`${where}: ${message}`);
  }
  /** Throws one UsageError naming the first bad records (with file:line), if there were any. */
  throwIfAny(path: string): void {
    if (this.errors.length === 0) return;
    const shown = this.errors.slice(0, 10).join('\n  ');
    const more = this.errors.length > 10 ? `\n  ... and ${this.errors.length - 10} more` : '';
    throw new UsageError(`${path}: ${this.errors.length} bad record(s):\n  ${shown}${more}`);
  }
}

function unreadable(path: string, flag: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'ERR_STRING_TOO_LONG' ? 'too large to read as text' : (code ?? 'unreadable');
  return new UsageError(`${flag} ${path}: cannot read the file (${why}); check the path`);
}

export function readText(path: string, flag = '--dataset-path'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadable(path, flag, error);
  }
}

/** The file's bytes: record files are split as bytes, so a dump larger than V8's longest string (ShareGPT's is ~650 MB) still loads. */
export function readBytes(path: string, flag = '--dataset-path'): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw unreadable(path, flag, error);
  }
}

const isSpace = (b: number) => b === 32 || b === 10 || b === 13 || b === 9;

/**
 * The elements of a top-level JSON array, one at a time: a byte scanner that knows strings and escapes
 * finds each element's extent and line, and only that element becomes a string to parse. UTF-8 never
 * uses ASCII byte values inside a multi-byte character, so the structural bytes are unambiguous.
 */
function arrayRecords(path: string, bytes: Buffer, problems: Problems): SourceRecord[] {
  const records: SourceRecord[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  let startLine = 1;
  let line = 1;
  let closed = false;
  const flush = (end: number) => {
    if (start < 0) return;
    const where = `${path}:${startLine}`;
    try {
      records.push({ value: JSON.parse(bytes.toString('utf8', start, end)), where });
    } catch {
      problems.add(where, 'not valid JSON');
    }
    start = -1;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 10) line++;
    if (inString) {
      if (b === 0x5c) i++; // a backslash escapes the next byte
      else if (b === 0x22) inString = false;
      continue;
    }
    if (depth === 1 && start < 0 && b !== 0x2c && b !== 0x5d && !isSpace(b)) {
      start = i;
      startLine = line;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) depth++;
    else if (b === 0x5d || b === 0x7d) {
      depth--;
      if (depth === 0) {
        flush(i);
        closed = true;
        break;
      }
    } else if (b === 0x2c && depth === 1) flush(i);
  }
  if (!closed) problems.add(`${path}:${line}`, 'the JSON array is not closed (a truncated file?)');
  return records;
}

/**
 * The records of a dataset file: a JSON array (ShareGPT's usual form) or JSON Lines. Unparseable
 * records go to `problems` with file:line; blank lines are skipped.
 */
export function readRecords(path: string, bytes: Buffer, problems: Problems): SourceRecord[] {
  let first = 0;
  while (first < bytes.length && isSpace(bytes[first]!)) first++;
  if (bytes[first] === 0x5b) return arrayRecords(path, bytes, problems);
  const records: SourceRecord[] = [];
  let line = 0;
  for (let from = 0; from < bytes.length; ) {
    const newline = bytes.indexOf(10, from);
    const end = newline < 0 ? bytes.length : newline;
    line++;
    const text = bytes.toString('utf8', from, end).trim();
    from = end + 1;
    if (text.length === 0) continue;
    const where = `${path}:${line}`;
    try {
      records.push({ value: JSON.parse(text), where });
    } catch {
      problems.add(where, 'not valid JSON');
    }
  }
  return records;
}

const ROLES = new Set(['system', 'user', 'assistant', 'developer', 'tool']);

/** Validates an OpenAI `messages` array of {role, content: string}; returns a message for the first problem. */
export function checkMessages(value: unknown): ChatMessage[] | string {
  if (!Array.isArray(value) || value.length === 0) return '"messages" must be a non-empty array';
  for (const [i, m] of value.entries()) {
    const message = m as { role?: unknown; content?: unknown } | null;
    if (!message || typeof message !== 'object') return `messages[${i}] must be an object`;
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) return `messages[${i}].role must be one of ${[...ROLES].join(', ')}`;
    if (typeof message.content !== 'string') return `messages[${i}].content must be a string`;
  }
  return value.map((m: ChatMessage) => ({ role: m.role, content: m.content }));
}

/** A non-negative whole number field, or undefined when absent; a message when present but wrong. */
export function optionalTokens(record: Record<string, unknown>, key: string): number | undefined | string {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return `"${key}" must be a whole number of at least 1`;
  return value;
}
