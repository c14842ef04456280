// The simulator speaks OpenAI/vLLM's wire format: stream shapes, usage, max_tokens, non-stream, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, startMockServer, type MockServer } from '../../src/mock/index.js';
import { chunks, get, post } from './helpers.js';

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 12 });
});
afterAll(async () => {
  await sim.close();
});

const messages = [{ role: 'user', content: 'Hello, world! How are you today?' }];
// Hello , world ! How are you today ? -> 9 by the simulator's token rule.
const PROMPT_TOKENS = 9;

describe('streaming chat', () => {
  it('sends a role chunk, one chunk per token, a finish chunk, usage when asked, then [DONE]', async () => {
    const r = await post(sim.url, '/v1/chat/completions', { model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.events.at(-1)?.data).toBe('[DONE]');
    expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const cs = chunks(r);
    expect(cs.every((c) => c.object === 'chat.completion.chunk' && c.model === 'llmperf-sim' && c.id === cs[0].id)).toBe(true);
    expect(cs[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const tokens = cs.slice(1, 13);
    expect(tokens).toHaveLength(12);
    for (const t of tokens) {
      expect(Object.keys(t.choices[0].delta)).toEqual(['content']);
      expect(t.choices[0].delta.content).toMatch(/^ [a-z]+$/);
      expect(t.choices[0].finish_reason).toBeNull();
      expect(t.usage).toBeNull();
    }
    expect(cs[13].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(cs[14].choices).toEqual([]);
    expect(countTokens('Hello, world! How are you today?')).toBe(PROMPT_TOKENS);
    expect(cs[14].usage).toEqual({ prompt_tokens: PROMPT_TOKENS, completion_tokens: 12, total_tokens: PROMPT_TOKENS + 12 });
    expect(cs).toHaveLength(15);
  });

  it('sends no usage chunk (and no usage fields) unless stream_options.include_usage is true', async () => {
    const r = await post(sim.url, '/v1/chat/completions', { messages, stream: true });
    const cs = chunks(r);
    expect(cs).toHaveLength(14);
    expect(cs.some((c) => 'usage' in c)).toBe(false);
    expect(cs.every((c) => c.choices.length === 1)).toBe(true);
  });

  it('honours max_tokens and max_completion_tokens with finish_reason length', async () => {
    const a = chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true, max_tokens: 3, stream_options: { include_usage: true } }));
    expect(a.filter((c) => c.choices[0]?.delta?.content).length).toBe(3);
    expect(a.at(-2).choices[0].finish_reason).toBe('length');
    expect(a.at(-1).usage.completion_tokens).toBe(3);
    const b = chunks(await post(sim.url, '/chat/completions', { messages, stream: true, max_tokens: 9, max_completion_tokens: 2 }));
    expect(b.filter((c) => c.choices[0]?.delta?.content).length).toBe(2);
  });

  it('runs to max_tokens with ignore_eos, tops up to min_tokens, and counts both fields', async () => {
    const before = await sim.stats();
    const a = chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true, max_tokens: 20, ignore_eos: true }));
    expect(a.filter((c) => c.choices[0]?.delta?.content).length).toBe(20);
    const b = chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true, max_tokens: 30, min_tokens: 16 }));
    expect(b.filter((c) => c.choices[0]?.delta?.content).length).toBe(16);
    const after = await sim.stats();
    expect(after.ignoreEosRequests - before.ignoreEosRequests).toBe(1);
    expect(after.minTokensRequests - before.minTokensRequests).toBe(1);
    expect(after.recentBodies.at(-1)).toMatchObject({ min_tokens: 16 });
  });

  it('gives the same text for the same prompt and seed', async () => {
    const text = async () =>
      chunks(await post(sim.url, '/v1/chat/completions', { messages, stream: true }))
        .map((c) => c.choices[0]?.delta?.content ?? '')
        .join('');
    const first = await text();
    expect(first.length).toBeGreaterThan(12);
    expect(await text()).toBe(first);
  });
});

describe('recent bodies', () => {
  it('keeps small bodies whole and huge ones as a summary', async () => {
    await post(sim.url, '/v1/chat/completions', { messages, max_tokens: 1, marker: 'small' });
    await post(sim.url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'word '.repeat(20_000) }], max_tokens: 1, marker: 'big' });
    const bodies = (await sim.stats()).recentBodies.slice(-2) as Record<string, unknown>[];
    expect(bodies[0]).toEqual({ messages, max_tokens: 1, marker: 'small' });
    expect(bodies[1]).toMatchObject({ max_tokens: 1, marker: 'big', omitted: { fields: ['messages'] } });
    expect(bodies[1]!.messages).toBeUndefined();
    expect((bodies[1]!.omitted as { bytes: number }).bytes).toBeGreaterThan(100_000);
  });
});

describe('streaming completions', () => {
  it('sends choices[0].text per token, no role chunk, finish then usage then [DONE]', async () => {
    const r = await post(sim.url, '/v1/completions', { prompt: 'Once upon a time', stream: true, max_tokens: 5, stream_options: { include_usage: true } });
    const cs = chunks(r);
    expect(cs.every((c) => c.object === 'text_completion')).toBe(true);
    expect(cs.slice(0, 5).every((c) => /^ [a-z]+$/.test(c.choices[0].text))).toBe(true);
    expect(cs[5].choices[0]).toMatchObject({ text: '', finish_reason: 'length' });
    expect(cs[6]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 } });
    expect(r.events.at(-1)?.data).toBe('[DONE]');
  });
});

describe('non-streaming', () => {
  it('returns a chat.completion with the whole text and usage', async () => {
    const r = await post(sim.url, '/v1/chat/completions', { messages, max_tokens: 4 });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.role).toBe('assistant');
    expect(countTokens(body.choices[0].message.content)).toBe(4);
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage).toEqual({ prompt_tokens: PROMPT_TOKENS, completion_tokens: 4, total_tokens: PROMPT_TOKENS + 4 });
  });

  it('returns a text_completion for /v1/completions', async () => {
    const body = JSON.parse((await post(sim.url, '/v1/completions', { prompt: 'abc def' })).text);
    expect(body.object).toBe('text_completion');
    expect(countTokens(body.choices[0].text)).toBe(12);
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.prompt_tokens).toBe(2);
  });
});

describe('other routes and errors', () => {
  it('lists its model at /v1/models and /models', async () => {
    for (const path of ['/v1/models', '/models']) {
      const body = JSON.parse((await get(sim.url, path)).text);
      expect(body.data[0]).toMatchObject({ id: 'llmperf-sim', object: 'model' });
    }
  });

  it('answers 404 JSON for unknown paths and wrong methods', async () => {
    for (const r of [await get(sim.url, '/v1/nothing'), await get(sim.url, '/v1/chat/completions')]) {
      expect(r.status).toBe(404);
      expect(JSON.parse(r.text).error.message).toMatch(/not served/);
    }
  });

  it('answers 400 JSON for bad JSON, a non-object body, missing messages and bad max_tokens', async () => {
    const cases: [string, unknown][] = [
      ['/v1/chat/completions', '{"messages": ['],
      ['/v1/chat/completions', '[1,2]'],
      ['/v1/chat/completions', { stream: true }],
      ['/v1/completions', { max_tokens: 3 }],
      ['/v1/chat/completions', { messages, max_tokens: -1 }],
      ['/v1/chat/completions', { messages, max_tokens: 0 }],
    ];
    const before = await sim.stats();
    for (const [path, body] of cases) {
      const r = await post(sim.url, path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(typeof JSON.parse(r.text).error.message).toBe('string');
    }
    const after = await sim.stats();
    expect(after.rejected - before.rejected).toBe(4);
    expect(after.inFlight).toBe(0);
  });
});
