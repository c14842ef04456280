// The simulator's image handling: each API's image parts from the official SDKs, bad data URLs refused with 400.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTokens } from '../../src/mock/images.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { drawImage } from '../../src/workload/images/synthetic.js';

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 3 });
});
afterAll(async () => {
  await sim.close();
});

const png = drawImage({ widthPx: 100, heightPx: 30 }, 'png', 1).toString('base64');
const jpeg = drawImage({ widthPx: 57, heightPx: 57 }, 'jpeg', 2).toString('base64');
const imageTokensAll = imageTokens(100, 30) + imageTokens(57, 57); // 4*2 + 3*3 = 17

async function post(path: string, body: unknown): Promise<{ status: number; json: { error?: { message?: string } } }> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { error?: { message?: string } } };
}

describe('simulator: images', () => {
  it('the token rule: ceil(W/28) x ceil(H/28) per image', () => {
    expect([imageTokens(512, 512), imageTokens(28, 28), imageTokens(29, 28), imageTokens(1024, 768)]).toEqual([361, 1, 2, 37 * 28]);
    expect(imageTokensAll).toBe(17);
  });

  it('official openai client, chat: image_url parts counted into prompt tokens', async () => {
    await sim.resetStats();
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: 'llmperf-sim',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg}`, detail: 'high' } }] }],
    });
    expect(reply.usage?.prompt_tokens).toBe(1 + imageTokensAll);
    const stats = await sim.stats();
    expect(stats.recentImages[0]).toMatchObject([
      { mediaType: 'image/png', widthPx: 100, heightPx: 30, bytes: Buffer.from(png, 'base64').length },
      { mediaType: 'image/jpeg', widthPx: 57, heightPx: 57, bytes: Buffer.from(jpeg, 'base64').length },
    ]);
  });

  it('official openai client, responses: input_image parts counted', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const reply = await client.responses.create({
      model: 'llmperf-sim',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }, { type: 'input_image', image_url: `data:image/png;base64,${png}`, detail: 'auto' }, { type: 'input_image', image_url: `data:image/jpeg;base64,${jpeg}`, detail: 'auto' }] }],
    });
    expect(reply.usage?.input_tokens).toBe(1 + imageTokensAll);
  });

  it('official Anthropic SDK, messages: base64 image blocks counted', async () => {
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'k', maxRetries: 0 });
    const reply = await client.messages.create({
      model: 'llmperf-sim',
      max_tokens: 3,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg } }, { type: 'text', text: 'Hi' }] }],
    });
    expect(reply.usage.input_tokens).toBe(1 + imageTokensAll);
  });

  it('malformed images are a 400 naming the part, as real servers answer, for every API', async () => {
    const chat = (url: string) => post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url } }] }] });
    const cases: Array<[Promise<{ status: number; json: { error?: { message?: string } } }>, RegExp]> = [
      [chat('data:image/png;base64,@@@@'), /messages\[0\]\.content\[1\]: invalid base64 image data/],
      [chat(`data:image/png;base64,${Buffer.from('hello world!').toString('base64')}`), /not a PNG, JPEG, GIF or WebP image/],
      [chat(`data:image/jpeg;base64,${png}`), /declared image\/jpeg but the data is image\/png/],
      [chat('ftp://example.com/a.png'), /must be an http\(s\) URL or a data:image/],
      [post('/v1/responses', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] }] }), /not a PNG/],
      [post('/v1/messages', { model: 'm', max_tokens: 3, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/gif', data: png } }] }] }), /declared image\/gif but the data is image\/png/],
      [post('/v1/messages', { model: 'm', max_tokens: 3, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] }), /source must be/],
    ];
    for (const [pending, message] of cases) {
      const { status, json } = await pending;
      expect(status).toBe(400);
      expect(json.error?.message).toMatch(message);
    }
  });

  it('remote URLs are not fetched: they count as a 512x512 image', async () => {
    const { status } = await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/x.png' } }] }] });
    expect(status).toBe(200);
    const stats = await sim.stats();
    expect(stats.recentImages.at(-1)).toMatchObject([{ mediaType: 'url', widthPx: 512, heightPx: 512, tokens: 361 }]);
  });
});
