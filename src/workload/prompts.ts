// Prompt sources: a prompt file (plain lines or JSONL), synthetic prompts of a given length, or the shipped default set.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { seededRandom } from './random.js';
import { CHARS_PER_TOKEN, estimateTokens } from './tokens.js';
import type { ToolSpec } from './tools.js';

export interface ChatMessage {
  role: string;
  content: string;
}

/** One prompt, ready for either API: chat uses `messages`, completions uses `text`. */
export interface Prompt {
  messages: ChatMessage[];
  text: string;
  /** The client's own count (exact with --tokenizer, else the 4-characters rule); the server's usage replaces it when given. */
  inputTokensEstimate: number;
  /** This prompt's max_tokens (a dataset's recorded reply length or a sampled --output-tokens); else the run's. */
  outputTokens?: number;
  /** Shared-prefix workloads: the prompt's group (its prefix is the same text as every other prompt of the group). */
  group?: number;
  /** Trace replay: this request's send offset in ms from the run start (the recorded schedule, scaled by --replay-speed). */
  arrivalMs?: number;
  /** Multi-turn: the later user turns, each sent after the previous reply arrives, with the history. */
  turns?: string[];
  /** Images sent with the last user message (--images or the dataset's); shared objects, never copied per prompt. */
  images?: PromptImage[];
  /** Tools this prompt is sent with (a dataset record's "tools"); they take the place of --tools for it. */
  tools?: ToolSpec[];
  /** Multi-turn: the recorded pause (ms) before each later turn, after the previous reply (--think-time data). */
  thinkTimesMs?: number[];
}

/** One image as requests carry it: inline bytes (a data URL) or a remote URL the server fetches. */
export interface PromptImage {
  /** image/png, image/jpeg, ... (for a remote URL: from its header when known, else ''). */
  mediaType: string;
  /** The file's bytes in base64, '' for a remote URL. One string per image, shared by every body that sends it. */
  base64: string;
  /** A remote http(s) URL sent as is (null: inline data). */
  url: string | null;
  /** Pixel size from the file's header (0: unknown, a remote URL). */
  widthPx: number;
  heightPx: number;
  /** The file's size in bytes (0 for a remote URL: the server fetches it). On the wire, base64 makes it 4/3 as long. */
  bytes: number;
}

export const DEFAULT_PROMPTS_FILE = fileURLToPath(new URL('../../prompts/default.txt', import.meta.url));

/** A single-user-message prompt; `count` is the client's token counter (default: the 4-characters rule). */
export function fromText(text: string, count: (text: string) => number = estimateTokens): Prompt {
  return { messages: [{ role: 'user', content: text }], text, inputTokensEstimate: count(text) };
}

/** A chat prompt; its text (for completions and counting) is the contents joined by newlines, as servers count them. */
export function fromMessages(messages: ChatMessage[], count: (text: string) => number = estimateTokens): Prompt {
  const text = messages.map((message) => message.content).join('\n');
  return { messages, text, inputTokensEstimate: count(text) };
}

function parseJsonLine(line: string, where: string): Prompt {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError(`${where}: not valid JSON; each line must be {"prompt": "..."} or {"messages": [...]}`);
  }
  const record = value as { prompt?: unknown; messages?: unknown };
  if (typeof record.prompt === 'string' && record.prompt.length > 0) return fromText(record.prompt);
  if (Array.isArray(record.messages) && record.messages.length > 0) {
    const ok = record.messages.every(
      (m) => m && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string',
    );
    if (ok) return fromMessages(record.messages as ChatMessage[]);
  }
  throw new UsageError(`${where}: needs a non-empty "prompt" string or a "messages" array of {role, content}`);
}

/**
 * Reads a prompt file: JSONL when the name ends in .jsonl or the first line starts with `{`,
 * otherwise one prompt per non-empty line. Bad lines are errors with file:line, never skipped silently.
 */
export function loadPromptFile(path: string): Prompt[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--prompts ${path}: cannot read the file; check the path`);
  }
  const lines = content.split(/\r?\n/);
  const firstLine = lines.find((line) => line.trim().length > 0) ?? '';
  const jsonl = path.endsWith('.jsonl') || firstLine.trimStart().startsWith('{');
  const prompts: Prompt[] = [];
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return;
    prompts.push(jsonl ? parseJsonLine(line, `${path}:${index + 1}`) : fromText(line.trim()));
  });
  if (prompts.length === 0) throw new UsageError(`--prompts ${path}: the file holds no prompt; add one prompt per line`);
  return prompts;
}

const WORDS = (
  'the model serves tokens fast when batches stay full and memory holds every sequence while ' +
  'schedulers admit new requests as old ones finish so latency depends on load cache and length'
).split(' ');

/**
 * Synthetic prompts of about `inputTokens` tokens each (by the default 4-characters rule),
 * every one different so a prefix cache cannot serve them, and the same for the same seed.
 */
export function syntheticPrompts(count: number, inputTokens: number, seed: number): Prompt[] {
  const random = seededRandom(seed);
  const targetChars = inputTokens * CHARS_PER_TOKEN;
  const prompts: Prompt[] = [];
  for (let i = 0; i < count; i++) {
    let text = `Request ${i}:`;
    while (text.length < targetChars) text += ' ' + WORDS[Math.floor(random() * WORDS.length)];
    prompts.push(fromText(text.slice(0, Math.max(1, targetChars))));
  }
  return prompts;
}
