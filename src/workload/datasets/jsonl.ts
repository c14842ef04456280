// The `jsonl` dataset: one JSON object a line with "prompt" (text) or "messages" (chat), optionally "max_tokens", "tools" and "images".
import { fromMessages, fromText, type Prompt } from '../prompts.js';
import { checkTools } from '../tools.js';
import { DatasetImages, recordImages, splitContentParts } from '../images/dataset.js';
import { checkMessages, optionalTokens, Problems, readRecords, type DatasetContext, type DatasetLoad } from './source.js';

export function loadJsonl(path: string, context: DatasetContext, content?: Buffer): DatasetLoad {
  const problems = new Problems();
  const prompts: Prompt[] = [];
  const images = new DatasetImages(path);
  for (const { value, where } of readRecords(path, content, problems)) {
    const record = value as Record<string, unknown> | null;
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      problems.add(where, 'each line must be a JSON object {"prompt": "..."} or {"messages": [...]}');
      continue;
    }
    const maxTokens = optionalTokens(record, 'max_tokens');
    if (typeof maxTokens === 'string') {
      problems.add(where, maxTokens);
      continue;
    }
    // OpenAI content parts: text parts become the message's text, image_url parts the prompt's images.
    const parts = splitContentParts(record.messages);
    if (typeof parts === 'string') {
      problems.add(where, parts);
      continue;
    }
    const promptImages = recordImages(record, parts.refs, images);
    if (typeof promptImages === 'string') {
      problems.add(where, promptImages);
      continue;
    }
    let prompt: Prompt;
    if (typeof record.prompt === 'string' && record.prompt.length > 0) prompt = fromText(record.prompt, context.counter.count);
    else if (record.messages !== undefined) {
      const messages = checkMessages(parts.messages);
      if (typeof messages === 'string') {
        problems.add(where, messages);
        continue;
      }
      prompt = fromMessages(messages, context.counter.count);
    } else {
      problems.add(where, 'needs a non-empty "prompt" string or a "messages" array of {role, content}');
      continue;
    }
    if (maxTokens !== undefined) prompt.outputTokens = maxTokens;
    if (promptImages.length > 0) prompt.images = promptImages;
    if (record.tools !== undefined) {
      const tools = checkTools(record.tools);
      if (typeof tools === 'string') {
        problems.add(where, tools);
        continue;
      }
      prompt.tools = tools;
    }
    prompts.push(prompt);
  }
  problems.throwIfAny(path);
  return { prompts, skipped: [] };
}
