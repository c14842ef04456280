// Synthetic images (--images) and dataset images: real canvas encodes, real files, headers read back from the bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { readImageHeader } from '../../src/util/image-header.js';
import { imageSpec, parseImageSizes } from '../../src/workload/images/options.js';
import { attachSyntheticImages, drawImage, syntheticImagePool } from '../../src/workload/images/synthetic.js';
import { syntheticPrompts } from '../../src/workload/prompts.js';
import { tokenCounter } from '../../src/workload/tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthetic images', () => {
  it('PNG and JPEG of the asked size: the header read back from the bytes says so', () => {
    for (const format of ['png', 'jpeg'] as const) {
      const bytes = drawImage({ widthPx: 96, heightPx: 40 }, format, 7);
      expect(readImageHeader(bytes)).toEqual({ mediaType: `image/${format}`, widthPx: 96, heightPx: 40 });
    }
  });

  it('the same seed gives the same bytes; another seed another image', () => {
    const a = drawImage({ widthPx: 64, heightPx: 64 }, 'png', 1);
    expect(drawImage({ widthPx: 64, heightPx: 64 }, 'png', 1).equals(a)).toBe(true);
    expect(drawImage({ widthPx: 64, heightPx: 64 }, 'png', 2).equals(a)).toBe(false);
  });

  it('compresses like a photo, not like a flat fill: PNG well above 1 byte a pixel, JPEG well below', () => {
    const size = { widthPx: 256, heightPx: 256 };
    const pixels = size.widthPx * size.heightPx;
    expect(drawImage(size, 'png', 3).length / pixels).toBeGreaterThan(1);
    expect(drawImage(size, 'jpeg', 3).length / pixels).toBeLessThan(0.5);
  });

  it('the pool: distinct images per slot and variant, sizes from the list, identical for the same seed', () => {
    const spec = { count: 3, sizes: parseImageSizes('32x32,48x24'), format: 'png' as const, pool: 4 };
    const pool = syntheticImagePool(spec, 11);
    expect(pool.map((slot) => slot.length)).toEqual([4, 4, 4]);
    const all = pool.flat();
    expect(new Set(all.map((image) => image.base64)).size).toBe(12);
    for (const image of all) {
      expect(['32x32', '48x24']).toContain(`${image.widthPx}x${image.heightPx}`);
      expect(readImageHeader(Buffer.from(image.base64, 'base64'))).toMatchObject({ widthPx: image.widthPx, heightPx: image.heightPx });
      expect(image.bytes).toBe(Buffer.from(image.base64, 'base64').length);
    }
    expect(new Set(all.map((i) => `${i.widthPx}x${i.heightPx}`)).size).toBe(2);
    expect(syntheticImagePool(spec, 11).flat().map((i) => i.base64)).toEqual(all.map((i) => i.base64));
    expect(syntheticImagePool(spec, 12).flat()[0]!.base64).not.toBe(all[0]!.base64);
  });

  it('a size range: every width and height drawn within it, and not all the same', () => {
    const pool = syntheticImagePool({ count: 2, sizes: parseImageSizes('20x30-60x40'), format: 'jpeg', pool: 8 }, 5);
    const sizes = pool.flat().map((image) => [image.widthPx, image.heightPx] as const);
    for (const [w, h] of sizes) {
      expect(w).toBeGreaterThanOrEqual(20);
      expect(w).toBeLessThanOrEqual(60);
      expect(h).toBeGreaterThanOrEqual(30);
      expect(h).toBeLessThanOrEqual(40);
    }
    expect(new Set(sizes.map(([w, h]) => `${w}x${h}`)).size).toBeGreaterThan(4);
    for (const image of pool.flat()) expect(readImageHeader(Buffer.from(image.base64, 'base64'))).toMatchObject({ widthPx: image.widthPx, heightPx: image.heightPx });
  });

  it('prompts share the pool objects (memory is count x pool, whatever the number of prompts)', () => {
    const pool = syntheticImagePool({ count: 2, sizes: [{ widthPx: 16, heightPx: 16 }], format: 'png', pool: 3 }, 1);
    const prompts = syntheticPrompts(10, 8, 1);
    attachSyntheticImages(prompts, pool);
    expect(prompts.every((p) => p.images!.length === 2)).toBe(true);
    expect(prompts[0]!.images![0]).toBe(prompts[3]!.images![0]);
    expect(prompts[0]!.images![0]).not.toBe(prompts[1]!.images![0]);
    expect(new Set(prompts.flatMap((p) => p.images!)).size).toBe(6);
  });
});

describe('image flags', () => {
  const bad = (flags: Parameters<typeof imageSpec>[0], api = 'chat') => {
    try {
      imageSpec(flags, api);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('validates at the edge with one-line messages naming the flag', () => {
    expect(bad({ images: '0' })).toMatch(/^--images 0: must be a whole number/);
    expect(bad({ images: '2', imageSize: '512' })).toMatch(/^--image-size 512: each size must be WxH/);
    expect(bad({ images: '2', imageSize: '0x10' })).toMatch(/^--image-size/);
    expect(bad({ images: '2', imageSize: '64x64-32x32' })).toMatch(/a range WxH-WxH goes from the smaller size to the larger/);
    expect(bad({ images: '2', imageSize: '1x1-2x2-3x3' })).toMatch(/^--image-size 1x1-2x2-3x3: each size must be WxH or a range/);
    expect(bad({ images: '2', imageFormat: 'gif' })).toBe('--image-format gif: must be jpeg or png');
    expect(imageSpec({ images: '1' }, 'chat')?.format).toBe('jpeg');
    expect(bad({ imageSize: '64x64' })).toBe('--image-size shapes synthetic images: add --images N');
    expect(bad({ images: '64', imagePool: '256', imageSize: '8192x8192' })).toMatch(/would draw 1099512 megapixels before the run; keep it under 1000/);
    expect(bad({ images: '1' }, 'completions')).toMatch(/--api completions takes no images/);
    expect(bad({ images: '1' }, 'embeddings')).toMatch(/--api embeddings takes no images/);
    expect(imageSpec({ images: '2', imageSize: '64x48,32x32', imageFormat: 'jpeg' }, 'messages')).toEqual({
      count: 2, sizes: [{ widthPx: 64, heightPx: 48 }, { widthPx: 32, heightPx: 32 }], format: 'jpeg', pool: 8,
    });
  });
});

describe('dataset images', () => {
  const png = drawImage({ widthPx: 20, heightPx: 10 }, 'png', 5);
  const jpeg = drawImage({ widthPx: 30, heightPx: 12 }, 'jpeg', 6);
  writeFileSync(join(dir, 'a.png'), png);
  writeFileSync(join(dir, 'b.jpg'), jpeg);
  writeFileSync(join(dir, 'not-an-image.png'), 'hello');
  const load = (lines: unknown[]) => {
    const path = join(dir, `set-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n'));
    return loadWorkload({ dataset: 'jsonl', datasetPath: path, count: 10, seed: 1, counter: tokenCounter(undefined) });
  };

  it('reads image_url content parts and an "images" list: files relative to the dataset, data URLs, remote URLs', () => {
    const dataUrl = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    const workload = load([
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in it?' }, { type: 'image_url', image_url: { url: dataUrl } }] }] },
      { prompt: 'Compare these', images: ['a.png', 'https://example.com/cat.png'] },
      { prompt: 'Again', images: ['a.png'] },
    ]);
    const [first, second, third] = workload.prompts;
    expect(first!.messages).toEqual([{ role: 'user', content: 'What is in it?' }]);
    expect(first!.images).toMatchObject([{ mediaType: 'image/jpeg', widthPx: 30, heightPx: 12, bytes: jpeg.length, url: null }]);
    expect(second!.images).toMatchObject([
      { mediaType: 'image/png', widthPx: 20, heightPx: 10, bytes: png.length, base64: png.toString('base64') },
      { url: 'https://example.com/cat.png', bytes: 0 },
    ]);
    // A file named twice is read once and shared.
    expect(third!.images![0]).toBe(second!.images![0]);
  });

  it('OpenAI batch files: image_url parts of chat bodies become the prompt images', () => {
    const path = join(dir, 'batch.jsonl');
    const line = { custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: 'b.jpg' } }] }] } };
    writeFileSync(path, JSON.stringify(line));
    const [prompt] = loadWorkload({ dataset: 'openai-batch', datasetPath: path, count: 1, seed: 1, counter: tokenCounter(undefined) }).prompts;
    expect(prompt!.messages).toEqual([{ role: 'user', content: 'Describe' }]);
    expect(prompt!.images).toMatchObject([{ mediaType: 'image/jpeg', widthPx: 30, heightPx: 12, bytes: jpeg.length }]);
    expect(prompt!.outputTokens).toBe(8);
  });

  it('a bad image is one line naming file:line and what to fix', () => {
    const message = (lines: unknown[]) => {
      try {
        load(lines);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toContain('\n');
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(message([{ prompt: 'x', images: ['missing.png'] }])).toMatch(/\.jsonl: 1 bad record\(s\): .*\.jsonl:1: image missing.png: no such file \(paths are relative to the dataset file\)/);
    expect(message([{ prompt: 'x' }, { prompt: 'y', images: ['not-an-image.png'] }])).toMatch(/jsonl:2: image not-an-image.png: not a PNG, JPEG, GIF or WebP image/);
    expect(message([{ prompt: 'x', images: 'a.png' }])).toMatch(/"images" must be a list/);
    expect(message([{ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }])).toMatch(/an image_url part needs image_url.url/);
  });
});
