// The simulator's token rule and text: a simple deterministic tokenizer and seeded pseudo-words.
//
// Rule (exported so tests compute the same numbers): a token is optional leading whitespace followed by
// either a run of 1-8 letters/digits/underscores, or one other character; trailing whitespace at the
// very end is one more token. "Hello, world!" -> ["Hello", ",", " world", "!"] = 4 tokens.

const TOKEN_RE = /\s*(?:[\p{L}\p{N}_]{1,8}|[^\s\p{L}\p{N}_])|\s+$/gu;

/** One token of the simple rule, with its UTF-16 offset into the text. */
export interface SimpleToken {
  text: string;
  offset: number;
}

/** Splits text by the simulator's token rule. */
export function tokenizeSimple(text: string): SimpleToken[] {
  const out: SimpleToken[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    if (m[0].length > 0) out.push({ text: m[0], offset: m.index ?? 0 });
  }
  return out;
}

/** Token count of a text by the simulator's rule. */
export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(TOKEN_RE)) if (m[0].length > 0) n++;
  return n;
}

/** Text of a chat message's content: a string, or the text parts of a content array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return '';
}

/** The prompt text the simulator counts: chat message contents joined by "\n", or the completions prompt. */
export function promptText(body: Record<string, unknown>): string {
  if (Array.isArray(body.messages)) {
    return body.messages.map((m) => contentText((m as { content?: unknown } | null)?.content)).join('\n');
  }
  const p = body.prompt;
  if (typeof p === 'string') return p;
  if (Array.isArray(p) && p.every((x) => typeof x === 'string')) return p.join('\n');
  return '';
}

/** Prompt tokens as the simulator reports them in `usage.prompt_tokens` (token-id prompts count their ids). */
export function countPromptTokens(body: Record<string, unknown>): number {
  const p = body.prompt;
  if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'number')) return p.length;
  if (Array.isArray(p) && p.length > 0 && p.every((x) => Array.isArray(x))) {
    return (p as unknown[][]).reduce((sum, ids) => sum + ids.length, 0);
  }
  return countTokens(promptText(body));
}

/** The last user message (chat) or the prompt (completions): what scripted answers match against. */
export function lastUserText(body: Record<string, unknown>): string {
  if (Array.isArray(body.messages)) {
    for (let i = body.messages.length - 1; i >= 0; i--) {
      const m = body.messages[i] as { role?: unknown; content?: unknown } | null;
      if (m && m.role === 'user') return contentText(m.content);
    }
    return '';
  }
  return promptText(body);
}

// Generated words: each is one token by the rule above (a space then 1-8 letters), JSON-safe as is.
const WORDS = (
  'the of and to in is that it was for on are as with his they at be this from have or by one had not ' +
  'but what all were when we there can an your which their said if do will each about how up out them ' +
  'then she many some so these would other into has more her two like him see time could no make than ' +
  'first been its who now people my made over did down only way find use may water long little very after'
).split(' ');

/** Vocabulary of generated tokens (each begins with a space). */
export const VOCABULARY: readonly string[] = WORDS.map((w) => ' ' + w);

/** 32-bit FNV-1a hash of a string mixed with a seed: stable across runs and platforms. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export { seededRandom as mulberry32 } from '../util/random.js';
