// Issue 4 support: reasoning tokens before content, and /v1/embeddings.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { countTokens, embedText, startMockServer, type MockServer } from '../../src/mock/index.js';
import { chunks, post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const messages = [{ role: 'user', content: 'Think first.' }];

describe('reasoning', () => {
  it('streams N reasoning_content tokens, then the content, with reasoning_tokens in usage', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 6, reasoningTokens: 4 });
    const cs = chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true, stream_options: { include_usage: true } }));
    const deltas = cs.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    const kinds = deltas.slice(1, -1).map((d) => Object.keys(d)[0]);
    expect(kinds).toEqual([...Array(4).fill('reasoning_content'), ...Array(6).fill('content')]);
    expect(cs.at(-1).usage).toMatchObject({ completion_tokens: 10, completion_tokens_details: { reasoning_tokens: 4 } });
  });

  it('can use the newer `reasoning` field, and returns reasoning in non-streamed messages', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 3, reasoningTokens: 2, reasoningField: 'reasoning' });
    const cs = chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true }));
    expect(cs.filter((c) => c.choices[0]?.delta?.reasoning).length).toBe(2);
    const body = JSON.parse((await post(sim.url, '/v1/chat/completions', { messages })).text);
    expect(countTokens(body.choices[0].message.reasoning)).toBe(2);
    expect(countTokens(body.choices[0].message.content)).toBe(3);
    expect(body.usage.completion_tokens).toBe(5);
  });
});

describe('embeddings', () => {
  it('returns deterministic unit vectors with prompt token usage', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, embeddingDim: 16 });
    const r = await post(sim.url, '/v1/embeddings', { model: 'm', input: ['hello world', 'other text here'] });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(2);
    expect(body.data[0].embedding).toHaveLength(16);
    const norm = Math.sqrt(body.data[0].embedding.reduce((s: number, x: number) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 6);
    expect(body.data[0].embedding).toEqual(embedText('hello world', 16, 0));
    expect(body.data[1].embedding).not.toEqual(body.data[0].embedding);
    expect(body.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    const bad = await post(sim.url, '/v1/embeddings', { input: [{}] });
    expect(bad.status).toBe(400);
  });

  it('works with the openai client (base64 encoding by default) and honours dimensions', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2 });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const res = await client.embeddings.create({ model: 'm', input: 'hello world', dimensions: 8 });
    expect(res.data[0]!.embedding).toHaveLength(8);
    const expected = embedText('hello world', 8, 0);
    res.data[0]!.embedding.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
    expect(res.usage.prompt_tokens).toBe(2);
  });
});
