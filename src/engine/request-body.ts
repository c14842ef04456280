// Request bodies and headers as the engine sends them, built once per prompt, never per request.
import type { Prompt } from '../workload/prompts.js';
import { seededRandom } from '../workload/random.js';
import type { LoadConfig } from './run.js';
import { streamApiFor, type ToolFields } from './apis/index.js';
import { chatToolFields } from './apis/tool-fields.js';

/** Builds the request body string for a prompt once; requests that reuse the prompt reuse the string. */
export function buildBody(
  config: Pick<LoadConfig, 'api' | 'stream' | 'outputTokens' | 'extraBody' | 'target' | 'ignoreEos' | 'continuousUsage' | 'tools' | 'toolChoice' | 'responseFormat'>,
  prompt: Prompt,
): string {
  if (config.api === 'embeddings') return JSON.stringify({ model: config.target.model, input: prompt.text, ...config.extraBody });
  // A record's own tools take the place of --tools.
  const toolFields: ToolFields = { tools: prompt.tools ?? config.tools ?? null, toolChoice: config.toolChoice ?? null, responseFormat: config.responseFormat ?? null };
  const api = streamApiFor(config.api);
  if (api !== null) {
    const maxTokens = prompt.outputTokens ?? config.outputTokens;
    return JSON.stringify({ ...api.body(prompt, { model: config.target.model, stream: config.stream, maxTokens, ignoreEos: config.ignoreEos === true, ...toolFields }), ...config.extraBody });
  }
  const body: Record<string, unknown> =
    config.api === 'chat' ? { model: config.target.model, messages: prompt.messages } : { model: config.target.model, prompt: prompt.text };
  const maxTokens = prompt.outputTokens ?? config.outputTokens;
  if (maxTokens !== null) {
    body.max_tokens = maxTokens;
    // vLLM and SGLang honour both: no early EOS, and at least max_tokens tokens.
    if (config.ignoreEos) {
      body.ignore_eos = true;
      body.min_tokens = maxTokens;
    }
  }
  if (config.stream) {
    body.stream = true;
    body.stream_options = config.continuousUsage ? { include_usage: true, continuous_usage_stats: true } : { include_usage: true };
  }
  if (config.api === 'chat') chatToolFields(toolFields, body);
  return JSON.stringify({ ...body, ...config.extraBody });
}

export function flatHeaders(headers: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const [name, value] of Object.entries(headers)) flat.push(name, value);
  return flat;
}

/** Seeded shuffle so the same seed sends the same prompts in the same order. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const copy = items.slice();
  const random = seededRandom(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
