// The `sharegpt` dataset: {"conversations": [{"from": "human"|"gpt"|..., "value": "..."}]} records (a JSON array or JSONL).
// The first human turn is the prompt; the recorded reply's token count becomes the output length (vLLM's rule).
import type { ChatMessage, Prompt } from '../prompts.js';
import { fromMessages } from '../prompts.js';
import { Problems, readRecords, type DatasetContext, type DatasetLoad } from './source.js';

const ROLE_OF: Readonly<Record<string, string>> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
  model: 'assistant',
  system: 'system',
};

/** A ShareGPT conversation as chat messages, or a message saying what is malformed. */
export function sharegptMessages(record: unknown): ChatMessage[] | string {
  const turns = (record as { conversations?: unknown } | null)?.conversations;
  if (!record || typeof record !== 'object' || !Array.isArray(turns)) return 'needs a "conversations" array of {from, value}';
  const messages: ChatMessage[] = [];
  for (const [i, turn] of turns.entries()) {
    const t = turn as { from?: unknown; value?: unknown } | null;
    if (!t || typeof t.from !== 'string' || typeof t.value !== 'string') return `conversations[${i}] needs string "from" and "value"`;
    const role = ROLE_OF[t.from.toLowerCase()];
    if (role === undefined) return `conversations[${i}].from "${t.from}" is not one of ${Object.keys(ROLE_OF).join(', ')}`;
    messages.push({ role, content: t.value });
  }
  return messages;
}

export function loadSharegpt(path: string, context: DatasetContext, content?: Buffer): DatasetLoad {
  const problems = new Problems();
  const prompts: Prompt[] = [];
  const skipped: string[] = [];
  for (const { value, where } of readRecords(path, content, problems)) {
    const messages = sharegptMessages(value);
    if (typeof messages === 'string') {
      problems.add(where, messages);
      continue;
    }
    const first = messages.findIndex((m) => m.role === 'user' && m.content.trim().length > 0);
    const reply = first < 0 ? undefined : messages[first + 1];
    // Real ShareGPT dumps hold many such records; vLLM drops them too, so they are skipped and counted, not errors.
    if (first < 0 || reply === undefined || reply.role !== 'assistant' || reply.content.length === 0) {
      skipped.push(`${where}: no human turn followed by a reply`);
      continue;
    }
    const systems = messages.slice(0, first).filter((m) => m.role === 'system');
    const prompt = fromMessages([...systems, messages[first]!], context.counter.count);
    prompt.outputTokens = Math.max(1, context.counter.count(reply.content));
    prompts.push(prompt);
  }
  problems.throwIfAny(path);
  return { prompts, skipped };
}
