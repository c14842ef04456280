// Images in requests against the simulator on loopback: what arrives (count, size, format), tokens, bytes, each API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyWithImages, ImageBody } from '../../src/engine/image-body.js';
import { runLoad } from '../../src/engine/run.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { buildSummary } from '../../src/metrics/summary.js';
import { imageTokens } from '../../src/mock/images.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { countTokens } from '../../src/mock/tokens.js';
import { attachSyntheticImages, syntheticImagePool } from '../../src/workload/images/synthetic.js';
import { syntheticPrompts, type Prompt } from '../../src/workload/prompts.js';
import { testConfig } from '../helpers/config.js';

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 4 });
});
afterAll(async () => {
  await sim.close();
});

/** Prompts with `count` images each from a pool of `pool` variants (sizes alternate between the two given). */
function imagePrompts(prompts: number, count: number, pool: number, format: 'png' | 'jpeg' = 'png'): Prompt[] {
  const list = syntheticPrompts(prompts, 16, 3);
  attachSyntheticImages(list, syntheticImagePool({ count, sizes: [{ widthPx: 60, heightPx: 40 }, { widthPx: 33, heightPx: 90 }], format, pool }, 9));
  return list;
}

/** The prompts a record could have sent: text tokens by the simulator's rule plus the images' tokens equal its input tokens. */
const promptsMatching = (prompts: Prompt[], record: RequestRecord): Prompt[] =>
  prompts.filter((p) => record.input_tokens === countTokens(p.text) + p.images!.reduce((s, i) => s + imageTokens(i.widthPx, i.heightPx), 0));

async function run(api: 'chat' | 'responses' | 'messages', prompts: Prompt[], requests: number) {
  await sim.resetStats();
  const records: RequestRecord[] = [];
  const outcome = await runLoad(testConfig(sim.url, { api, prompts, requests, concurrency: 3, outputTokens: 4 }), { onRecord: (r) => records.push(r) });
  return { outcome, records, summary: buildSummary(outcome.totals, outcome.histograms), stats: await sim.stats() };
}

describe('images sent to the simulator', () => {
  it('chat: every request carries exactly N images of the right size and format, distinct per slot', async () => {
    const prompts = imagePrompts(6, 3, 2, 'jpeg');
    const { summary, stats } = await run('chat', prompts, 12);
    expect(summary.succeeded).toBe(12);
    expect(stats.recentImages).toHaveLength(12);
    for (const received of stats.recentImages) {
      expect(received).toHaveLength(3);
      // Width and height come from the JPEG's own start-of-frame, decoded by the simulator from the data URL.
      for (const image of received) expect(['60x40', '33x90']).toContain(`${image.widthPx}x${image.heightPx}`);
      expect(received.every((image) => image.mediaType === 'image/jpeg')).toBe(true);
      expect(new Set(received.map((image) => image.digest)).size).toBe(3);
    }
    // The pool: 3 slots x 2 variants = 6 distinct images over all requests, no more.
    expect(new Set(stats.recentImages.flat().map((image) => image.digest)).size).toBe(6);
    // What arrived is what the prompts hold, slot by slot.
    const sent = new Set(prompts.flatMap((p) => p.images!.map((i) => `${i.widthPx}x${i.heightPx}:${i.bytes}`)));
    for (const image of stats.recentImages.flat()) expect(sent).toContain(`${image.widthPx}x${image.heightPx}:${image.bytes}`);
  });

  it('usage prompt tokens include the image tokens (ceil(W/28) x ceil(H/28) each); reported bytes equal bytes received', async () => {
    const prompts = imagePrompts(4, 2, 4);
    const { records, summary, stats } = await run('chat', prompts, 8);
    for (const record of records) {
      expect(record.input_images).toBe(2);
      // Which prompt a record sent is not in the record; the token count tells (prompts differ in text length).
      const matches = promptsMatching(prompts, record);
      expect(matches.length, `input_tokens ${record.input_tokens}`).toBeGreaterThan(0);
      expect(matches.map((p) => p.images!.reduce((s, i) => s + i.bytes, 0))).toContain(record.input_image_bytes);
    }
    const receivedBytes = stats.recentImages.flat().reduce((sum, image) => sum + image.bytes, 0);
    expect(summary.input_image_bytes).toBe(receivedBytes);
    expect(summary.input_images).toBe(16);
    expect(summary.input_images_per_request).toBe(2);
    expect(stats.imageTokens).toBe(stats.recentImages.flat().reduce((sum, image) => sum + imageTokens(image.widthPx, image.heightPx), 0));
  });

  for (const api of ['responses', 'messages'] as const) {
    it(`--api ${api}: its own image parts are accepted, decoded and counted`, async () => {
      const prompts = imagePrompts(3, 2, 3);
      const { summary, stats, records } = await run(api, prompts, 6);
      expect(summary.succeeded).toBe(6);
      expect(stats.recentImages).toHaveLength(6);
      expect(stats.recentImages.every((list) => list.length === 2 && list.every((i) => i.mediaType === 'image/png'))).toBe(true);
      expect(summary.input_image_bytes).toBe(stats.recentImages.flat().reduce((s, i) => s + i.bytes, 0));
      // Each request's input tokens are some prompt's text tokens plus its images' tokens, as in chat.
      for (const record of records) expect(promptsMatching(prompts, record).length, `input_tokens ${record.input_tokens}`).toBeGreaterThan(0);
      const body = stats.recentBodies[0] as Record<string, unknown>;
      // The simulator records a Responses request as the chat request it reads it as (input becomes messages).
      const content = (body.messages as Array<{ content: Array<{ type: string }> }>)[0]!.content;
      expect(content.map((part) => part.type)).toEqual(api === 'responses' ? ['input_text', 'input_image', 'input_image'] : ['image', 'image', 'text']);
    });
  }

  it('image bodies share each image\'s bytes across prompts: a send copies nothing and memory is one copy per image', () => {
    const prompts = imagePrompts(4, 1, 2);
    const config = testConfig(sim.url);
    const [a, b, c] = prompts.map((p) => bodyWithImages(config, p)) as ImageBody[];
    expect(a).toBeInstanceOf(ImageBody);
    // Prompts 0 and 2 send the same variant: the very same Buffer object, not an equal copy.
    expect(a!.parts[1]).toBe(c!.parts[1]);
    expect(a!.parts[1]).not.toBe(b!.parts[1]);
    expect(a!.headersWith(['x', 'y'])).toEqual(['x', 'y', 'content-length', String(Buffer.concat(a!.parts).length)]);
    const parsed = JSON.parse(a!.toString()) as { messages: Array<{ content: Array<{ type: string; image_url?: { url: string } }> }> };
    expect(parsed.messages[0]!.content[1]!.image_url!.url).toBe(`data:image/png;base64,${prompts[0]!.images![0]!.base64}`);
  });

  it('an image-only message gets no empty text part (Anthropic refuses empty text blocks)', () => {
    const [prompt] = imagePrompts(1, 1, 1);
    const imageOnly = { ...prompt!, messages: [{ role: 'user', content: '' }], text: '' };
    for (const api of ['chat', 'responses', 'messages'] as const) {
      const body = JSON.parse(String(bodyWithImages({ ...testConfig(sim.url), api }, imageOnly))) as Record<string, Array<{ content: Array<{ type: string }> }>>;
      expect((body.messages ?? body.input)![0]!.content.map((part) => part.type)).toEqual([api === 'chat' ? 'image_url' : api === 'responses' ? 'input_image' : 'image']);
    }
  });

  it('prefill grows by the image tokens: TTFT with images exceeds TTFT without by about tokens x imageTokenMs', async () => {
    const slow = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 2, imageTokenMs: 0.5 });
    try {
      const plain = syntheticPrompts(4, 16, 3);
      const withImages = syntheticPrompts(4, 16, 3);
      // Two 280x280 images: 2 x 10 x 10 = 200 image tokens, 100 ms of prefill at 0.5 ms a token (well above timer noise).
      attachSyntheticImages(withImages, syntheticImagePool({ count: 2, sizes: [{ widthPx: 280, heightPx: 280 }], format: 'jpeg', pool: 1 }, 9));
      const tokens = withImages[0]!.images!.reduce((s, i) => s + imageTokens(i.widthPx, i.heightPx), 0);
      expect(tokens).toBe(200);
      const ttft = async (prompts: Prompt[]) => buildSummary(...(await runLoad(testConfig(slow.url, { prompts, requests: 8, concurrency: 1 })).then((o) => [o.totals, o.histograms] as const))).ttft_ms.p50!;
      const base = await ttft(plain);
      const extra = (await ttft(withImages)) - base;
      const expected = tokens * 0.5;
      expect(extra).toBeGreaterThan(expected * 0.6);
      expect(extra).toBeLessThan(expected * 1.5 + base);
    } finally {
      await slow.close();
    }
  });
});
