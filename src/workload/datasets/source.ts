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

export function readText(path: string, flag = '--dataset-path'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${flag} ${path}: cannot read the file; check the path`);
  }
}

/** Start offsets of the top-level elements of a JSON array (a small scanner that knows strings and escapes). */
function elementStarts(content: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expecting && c !== ']' && !/\s/.test(c)) {
      starts.push(i);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return starts;
}

/**
 * The records of a dataset file: a JSON array (ShareGPT's usual form) or JSON Lines. Unparseable
 * lines go to `problems` with file:line; blank lines are skipped.
 */
export function readRecords(path: string, content: string, problems: Problems): SourceRecord[] {
  const records: SourceRecord[] = [];
  if (content.trimStart().startsWith('[')) {
    let whole: unknown;
    try {
      whole = JSON.parse(content);
    } catch (error) {
      problems.add(`${path}:1`, `not valid JSON (${(error as Error).message})`);
      return records;
    }
    const values = whole as unknown[];
    const starts = elementStarts(content);
    let line = 1;
    let scanned = 0;
    values.forEach((value, index) => {
      const start = starts[index] ?? scanned;
      for (let i = scanned; i < start; i++) if (content.charCodeAt(i) === 10) line++;
      scanned = start;
      records.push({ value, where: `${path}:${line}` });
    });
    return records;
  }
  content.split(/\r?\n/).forEach((text, index) => {
    if (text.trim().length === 0) return;
    const where = `${path}:${index + 1}`;
    try {
      records.push({ value: JSON.parse(text), where });
    } catch {
      problems.add(where, 'not valid JSON');
    }
  });
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
