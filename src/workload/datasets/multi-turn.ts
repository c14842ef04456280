// The `multi-turn` dataset: whole conversations replayed turn by turn. Records (JSONL or a JSON array) are
// {"turns": ["first user message", "second", ...]} (optionally "system"), ShareGPT {"conversations": [...]},
// or {"messages": [...]}; only user turns are replayed, because each reply is the model's real answer.
// Recorded pauses between turns ("think_time_s", or message timestamps) feed --think-time data.
import type { ChatMessage, Prompt } from '../prompts.js';
import { fromMessages } from '../prompts.js';
import { sharegptMessages } from './sharegpt.js';
import { recordedThinkTimesMs } from './think-times.js';
import { checkMessages, optionalTokens, Problems, readRecords, type DatasetContext, type DatasetLoad } from './source.js';

function conversation(record: unknown): ChatMessage[] | string {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return 'each record must be a JSON object with "turns", "conversations" or "messages"';
  const r = record as Record<string, unknown>;
  if (r.turns !== undefined) {
    if (!Array.isArray(r.turns) || r.turns.length === 0 || !r.turns.every((t) => typeof t === 'string' && t.length > 0)) {
      return '"turns" must be a non-empty array of non-empty strings';
    }
    if (r.system !== undefined && typeof r.system !== 'string') return '"system" must be a string';
    const system: ChatMessage[] = typeof r.system === 'string' ? [{ role: 'system', content: r.system }] : [];
    return [...system, ...(r.turns as string[]).map((content) => ({ role: 'user', content }))];
  }
  if (r.conversations !== undefined) return sharegptMessages(r);
  if (r.messages !== undefined) return checkMessages(r.messages);
  return 'needs "turns", "conversations" or "messages"';
}

export function loadMultiTurn(path: string, context: DatasetContext, content?: Buffer): DatasetLoad {
  const problems = new Problems();
  const prompts: Prompt[] = [];
  const skipped: string[] = [];
  for (const { value, where } of readRecords(path, content, problems)) {
    const messages = conversation(value);
    if (typeof messages === 'string') {
      problems.add(where, messages);
      continue;
    }
    const maxTokens = optionalTokens(value as Record<string, unknown>, 'max_tokens');
    if (typeof maxTokens === 'string') {
      problems.add(where, maxTokens);
      continue;
    }
    const users = messages.filter((m) => m.role === 'user' && m.content.length > 0).map((m) => m.content);
    if (users.length === 0) {
      skipped.push(`${where}: no user turn`);
      continue;
    }
    const system = messages.filter((m, i) => m.role === 'system' && i < messages.findIndex((x) => x.role === 'user'));
    const prompt = fromMessages([...system, { role: 'user', content: users[0]! }], context.counter.count);
    prompt.turns = users.slice(1);
    const thinkTimes = recordedThinkTimesMs(value as Record<string, unknown>, users.length);
    if (typeof thinkTimes === 'string') {
      problems.add(where, thinkTimes);
      continue;
    }
    if (thinkTimes !== undefined) prompt.thinkTimesMs = thinkTimes;
    if (maxTokens !== undefined) prompt.outputTokens = maxTokens;
    prompts.push(prompt);
  }
  problems.throwIfAny(path);
  return { prompts, skipped };
}
