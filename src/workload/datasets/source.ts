// Reading dataset files as streams: JSON Lines or a JSON array, each record with its line number and a size bound, errors as file:line.
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { MAX_RECORD_BYTES } from '../limits.js';
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

/** Bad records listed in the one-line error at most (the count says how many more). */
const SHOWN_PROBLEMS = 5;

/** Collects every bad record, so a user fixes a file in one pass instead of one error per run. */
export class Problems {
  readonly errors: string[] = [];
  add(where: string, message: string): void {
    this.errors.push(`${where}: ${message}`);
  }
  /** Throws one UsageError, on one line, naming the first bad records (with file:line), if there were any. */
  throwIfAny(path: string): void {
    if (this.errors.length === 0) return;
    const shown = this.errors.slice(0, SHOWN_PROBLEMS).map((error) => error.replace(/\s+/g, ' ')).join('; ');
    const more = this.errors.length > SHOWN_PROBLEMS ? `; and ${this.errors.length - SHOWN_PROBLEMS} more` : '';
    throw new UsageError(`${path}: ${this.errors.length} bad record(s): ${shown}${more}`);
  }
}

function unreadable(path: string, flag: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (code ?? 'unreadable');
  return new UsageError(`${flag} ${path}: cannot read the file (${why}); check the path`);
}

/** Bytes read from a dataset file at a time: the file is never held whole. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a file chunk by chunk (synchronously: datasets load before the run starts). The first chunk is checked
 * for NUL bytes, which no text or JSON dataset holds: a binary file given by mistake is refused, not sent.
 */
export function readChunks(path: string, onChunk: (chunk: Buffer) => void, flag = '--dataset-path'): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, flag, error);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let first = true; ; first = false) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (error) {
        throw unreadable(path, flag, error);
      }
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      if (first && chunk.includes(0)) {
        throw new UsageError(`${flag} ${path}: a binary file (it holds NUL bytes), not a dataset; give a text file: one prompt a line, JSONL or a JSON array`);
      }
      onChunk(chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a file as text (to tell JSONL from plain lines without reading the rest). */
export function readHead(path: string, flag: string, bytes = 4096): string {
  let head = '';
  let done = false;
  readChunks(path, (chunk) => {
    if (!done) head = chunk.toString('utf8', 0, Math.min(bytes, chunk.length));
    done = true;
  }, flag);
  return head;
}

const tooLarge = (path: string, line: number) =>
  new UsageError(`${path}:${line}: a record larger than ${MAX_RECORD_BYTES / (1024 * 1024)} MB; split it, or check that this is a dataset file`);

const isSpace = (b: number) => b === 32 || b === 10 || b === 13 || b === 9;

/**
 * Splits a byte stream into records as it arrives: lines (JSON Lines, plain text), or the elements of a
 * top-level JSON array (ShareGPT's usual form), found by a byte scanner that knows strings and escapes.
 * UTF-8 never uses ASCII byte values inside a multi-byte character, so the structural bytes are unambiguous.
 * Only the record being read is held, up to MAX_RECORD_BYTES (then a one-line error with file:line).
 */
export class RecordSplitter {
  private mode: 'start' | 'lines' | 'array' | 'after' = 'start';
  private parts: Buffer[] = [];
  private held = 0;
  private line = 1;
  private startLine = 1;
  /** Array mode: nesting depth, inside a string, the next byte escaped, an element begun. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inElement = false;

  constructor(
    private readonly path: string,
    private readonly emit: (bytes: Buffer, line: number) => void,
    /** 'auto': a file starting with `[` is an array, else lines; 'lines': always lines. */
    private readonly kind: 'auto' | 'lines' = 'auto',
  ) {}

  push(chunk: Buffer): void {
    if (this.mode === 'start') {
      let i = 0;
      while (i < chunk.length && isSpace(chunk[i]!)) i++;
      if (i === chunk.length) {
        // Only blank so far: counted, not kept (blank lines are skipped in every format).
        for (const byte of chunk) if (byte === 10) this.line++;
        return;
      }
      this.mode = this.kind === 'auto' && chunk[i] === 0x5b ? 'array' : 'lines';
      if (this.mode === 'array') {
        for (let k = 0; k < i; k++) if (chunk[k] === 10) this.line++;
        this.depth = 1;
        this.scanArray(chunk, i + 1);
        return;
      }
    }
    if (this.mode === 'lines') this.scanLines(chunk);
    else if (this.mode === 'array') this.scanArray(chunk, 0);
  }

  /** Ends the stream: the last line without a newline; an array never closed is reported by `closed`. */
  end(): void {
    if (this.mode === 'lines') this.flushLine();
  }

  /** Whether a JSON array was closed (true for line files). The line of the cut, for the message. */
  get unclosedAt(): number | null {
    return this.mode === 'array' ? this.line : null;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.held += to - from;
    if (this.held > MAX_RECORD_BYTES) throw tooLarge(this.path, this.mode === 'array' ? this.startLine : this.line);
    this.parts.push(chunk.subarray(from, to));
  }

  /** The held record as one Buffer (copied: the chunk buffer is reused for the next read). */
  private take(): Buffer {
    const bytes = Buffer.concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    return bytes;
  }

  private flushLine(): void {
    this.emit(this.take(), this.line);
  }

  private scanLines(chunk: Buffer): void {
    let from = 0;
    for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
      this.keep(chunk, from, newline);
      this.flushLine();
      this.line++;
      from = newline + 1;
    }
    this.keep(chunk, from, chunk.length);
  }

  private scanArray(chunk: Buffer, from: number): void {
    let start = this.inElement ? from : -1;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) this.inString = false;
        continue;
      }
      if (this.depth === 1 && !this.inElement && b !== 0x2c && b !== 0x5d && !isSpace(b)) {
        this.inElement = true;
        start = i;
        this.startLine = this.line;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x5b || b === 0x7b) this.depth++;
      else if (b === 0x5d || b === 0x7d) {
        this.depth--;
        if (this.depth === 0) {
          this.finishElement(chunk, start, i);
          this.mode = 'after';
          return;
        }
      } else if (b === 0x2c && this.depth === 1) {
        this.finishElement(chunk, start, i);
        start = -1;
      }
    }
    if (this.inElement) this.keep(chunk, Math.max(0, start), chunk.length);
  }

  private finishElement(chunk: Buffer, start: number, end: number): void {
    if (!this.inElement) return;
    this.keep(chunk, Math.max(0, start), end);
    this.inElement = false;
    this.emit(this.take(), this.startLine);
  }
}

/**
 * The records of a dataset file: a JSON array (ShareGPT's usual form) or JSON Lines, read as a stream
 * (or from `content` when given). Unparseable records go to `problems` with file:line; blank lines are skipped.
 */
export function readRecords(path: string, content: Buffer | undefined, problems: Problems): SourceRecord[] {
  const records: SourceRecord[] = [];
  const splitter = new RecordSplitter(path, (bytes, line) => {
    const text = bytes.toString('utf8').trim();
    if (text.length === 0) return;
    const where = `${path}:${line}`;
    try {
      records.push({ value: JSON.parse(text), where });
    } catch {
      problems.add(where, 'not valid JSON');
    }
  });
  if (content !== undefined) splitter.push(content);
  else readChunks(path, (chunk) => splitter.push(chunk));
  splitter.end();
  const cut = splitter.unclosedAt;
  if (cut !== null) problems.add(`${path}:${cut}`, 'the JSON array is not closed (a truncated file?)');
  return records;
}

/** The lines of a text file, read as a stream (or from `content`), each with its line number. */
export function readLines(path: string, content: string | undefined, onLine: (text: string, line: number) => void, flag = '--dataset-path'): void {
  const splitter = new RecordSplitter(path, (bytes, line) => onLine(bytes.toString('utf8'), line), 'lines');
  if (content !== undefined) splitter.push(Buffer.from(content));
  else readChunks(path, (chunk) => splitter.push(chunk), flag);
  splitter.end();
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
