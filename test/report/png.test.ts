// PNG charts: valid images of the stated size, with real drawing on them (not a blank or single-colour canvas).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCharts, PNG_HEIGHT, PNG_WIDTH, writeReports } from '../../src/report/index.js';
import { syntheticRun, writeRequestsCsv } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('charts/*.png', () => {
  it('renders every chart as a non-blank 1000x600 PNG on a white background', async () => {
    const { result, records } = syntheticRun({ n: 120, failEvery: 6 });
    writeRequestsCsv(dir, records);
    const written = await writeReports(dir, result, ['png']);
    expect(written.map((p) => basename(p))).toEqual(buildCharts(result, records).map((c) => `${c.id}.png`));
    for (const path of written) {
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), path).toBe(true);
      // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
      expect(bytes.readUInt32BE(16)).toBe(PNG_WIDTH);
      expect(bytes.readUInt32BE(20)).toBe(PNG_HEIGHT);
      const image = await loadImage(bytes);
      const canvas = createCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
      let sum = 0;
      let sumSq = 0;
      let nonWhite = 0;
      let transparent = 0;
      const n = pixels.length / 4;
      for (let i = 0; i < pixels.length; i += 4) {
        const luma = (pixels[i]! + pixels[i + 1]! + pixels[i + 2]!) / 3;
        sum += luma;
        sumSq += luma * luma;
        if (luma < 250) nonWhite++;
        if (pixels[i + 3] !== 255) transparent++;
      }
      expect(transparent, `${path}: the white background plugin leaves no transparent pixel`).toBe(0);
      const variance = sumSq / n - (sum / n) ** 2;
      // A blank canvas has variance 0; axes, grid, text and data put it well above 50 (measured: hundreds).
      expect(variance, path).toBeGreaterThan(50);
      expect(nonWhite / n, path).toBeGreaterThan(0.01);
    }
  });
});
