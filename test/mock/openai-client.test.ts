// Compatibility: the official openai npm client streams from the simulator and reads usage.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 17 });
});
afterAll(async () => {
  await sim.close();
});

it('streams chat with the right token count and usage', async () => {
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
  const models = await client.models.list();
  expect(models.data[0]?.id).toBe('llmperf-sim');
  const stream = await client.chat.completions.create({
    model: 'llmperf-sim',
    messages: [{ role: 'user', content: 'Say something.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let contentChunks = 0;
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta?.content) {
      contentChunks++;
      text += choice.delta.content;
    }
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  expect(contentChunks).toBe(17);
  expect(text.trim().split(' ')).toHaveLength(17);
  expect(finish).toBe('stop');
  expect(usage?.completion_tokens).toBe(17);
  expect(usage?.prompt_tokens).toBe(4);
});

it('reads non-streamed chat and completions', async () => {
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
  const chat = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
  expect(chat.choices[0]?.message.content?.trim().split(' ')).toHaveLength(5);
  expect(chat.usage?.completion_tokens).toBe(5);
  const completion = await client.completions.create({ model: 'x', prompt: 'hi there', max_tokens: 3 });
  expect(completion.choices[0]?.text.trim().split(' ')).toHaveLength(3);
});
