// The public API's image options, imported by the package's name as a user would, against the built-in simulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runLoad, UsageError } from 'llmperf';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-api-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runLoad takes images, imageSize, imageFormat and imagePool, and validates them like the flags', async () => {
  const result = await runLoad({ images: 2, imageSize: '40x30-80x60', imageFormat: 'png', imagePool: 3, concurrency: 2, requests: 6, outputTokens: 2, simulator: { ttftMs: 5, itlMs: 1 }, out: join(dir, 'run'), format: ['json'] });
  expect(result.summary).toMatchObject({ succeeded: 6, image_requests: 6, input_images: 12, input_images_per_request: 2 });
  expect(result.config).toMatchObject({ images: 2, image_size: '40x30-80x60', image_format: 'png', image_pool: 3 });
  await expect(runLoad({ images: 1, api: 'embeddings', out: join(dir, 'bad') })).rejects.toThrow(UsageError);
  await expect(runLoad({ images: 1, imageSize: 'big', out: join(dir, 'bad2') })).rejects.toThrow(/--image-size big/);
});
