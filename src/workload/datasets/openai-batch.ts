// The `openai-batch` dataset: OpenAI Batch API input lines {"custom_id", "method": "POST", "url": "/v1/...", "body": {...}}.
// Chat bodies give their messages, completions bodies their prompt, embeddings bodies their input; max_tokens and tools are kept.
import { fromMessages, fromText, type Prompt } from '../prompts.js';
import { DatasetImages, recordImages, splitContentParts } from '../images/dataset.js';
import { checkTools } from '../tools.js';
import { checkMessages, optionalTokens, Problems, readRecords, type DatasetContext, type DatasetLoad } from './source.js';

const URLS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'];

export function loadOpenaiBatch(path: string, context: DatasetContext, content?: Buffer): DatasetLoad {
  const problems = new Problems();
  const prompts: Prompt[] = [];
  const images = new DatasetImages(path);
  for (const { value, where } of readRecords(path, content, problems)) {
    const line = value as { method?: unknown; url?: unknown; body?: unknown } | null;
    if (!line || typeof line !== 'object' || Array.isArray(line)) {
      problems.add(where, 'each line must be a JSON object {"custom_id", "method", "url", "body"}');
      continue;
    }
    if (line.method !== undefined && line.method !== 'POST') {
      problems.add(where, `"method" must be "POST"`);
      continue;
    }
    if (typeof line.url !== 'string' || !URLS.includes(line.url)) {
      problems.add(where, `"url" must be one of ${URLS.join(', ')}`);
      continue;
    }
    const body = line.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      problems.add(where, '"body" must be a JSON object');
      continue;
    }
    const maxTokens = optionalTokens(body, 'max_completion_tokens') ?? optionalTokens(body, 'max_tokens');
    if (typeof maxTokens === 'string') {
      problems.add(where, `body: ${maxTokens}`);
      continue;
    }
    let prompt: Prompt;
    if (line.url === '/v1/chat/completions') {
      // Vision requests: image_url content parts become the prompt's images (files, URLs or data URLs).
      const parts = splitContentParts(body.messages);
      const promptImages = typeof parts === 'string' ? parts : recordImages({}, parts.refs, images);
      if (typeof promptImages === 'string') {
        problems.add(where, `body: ${promptImages}`);
        continue;
      }
      const messages = checkMessages(typeof parts === 'string' ? body.messages : parts.messages);
      if (typeof messages === 'string') {
        problems.add(where, `body: ${messages}`);
        continue;
      }
      prompt = fromMessages(messages, context.counter.count);
      if (promptImages.length > 0) prompt.images = promptImages;
    } else {
      const text = line.url === '/v1/embeddings' ? body.input : body.prompt;
      const field = line.url === '/v1/embeddings' ? 'input' : 'prompt';
      if (typeof text !== 'string' || text.length === 0) {
        problems.add(where, `body.${field} must be a non-empty string`);
        continue;
      }
      prompt = fromText(text, context.counter.count);
    }
    if (maxTokens !== undefined) prompt.outputTokens = maxTokens;
    if (body.tools !== undefined) {
      const tools = checkTools(body.tools);
      if (typeof tools === 'string') {
        problems.add(where, `body: ${tools}`);
        continue;
      }
      prompt.tools = tools;
    }
    prompts.push(prompt);
  }
  problems.throwIfAny(path);
  return { prompts, skipped: [] };
}
