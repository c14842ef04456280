// --images and dataset images through the built CLI against the built-in simulator, as a user runs them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { drawImage } from '../../src/workload/images/synthetic.js';
import { runCli } from '../helpers/cli.js';

const FAST_SIM = ['--sim-ttft', '5', '--sim-itl', '1', '--sim-output-tokens', '4'];

describe('llmperf run --images', () => {
  it('N images per request: result totals, requests.csv columns, the console line and the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-img-cli-'));
    const run = await runCli(['run', '--images', '2', '--image-size', '64x48', '--image-format', 'jpeg', '-n', '8', '-c', '2', ...FAST_SIM, '--format', 'table,json,csv,md', '--out', dir], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultDocument;
    expect(doc.summary).toMatchObject({ succeeded: 8, image_requests: 8, input_images: 16, input_images_per_request: 2 });
    expect(doc.config).toMatchObject({ images: 2, image_size: '64x48', image_format: 'jpeg', image_pool: 8 });
    // 64x48 is ceil(64/28) * ceil(48/28) = 3 * 2 = 6 tokens an image, on top of the text.
    const [header, ...rows] = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const col = (name: string) => header!.indexOf(name);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r[col('input_images')] === '2')).toBe(true);
    expect(rows.reduce((sum, r) => sum + Number(r[col('input_image_bytes')]), 0)).toBe(doc.summary.input_image_bytes);
    expect(run.stdout).toMatch(/Input images: 16 in 8 requests \(2 per request\)/);
    const markdown = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('| Input images sent | 16 |');
    expect(markdown).toMatch(/\| Input image bytes sent \(files, before base64\) \| [\d,.]+ \|/);
  });

  it('--sim-image-token-ms: the built-in simulator spends the image tokens in prefill (TTFT grows against a run without images)', async () => {
    const ttft = async (extra: string[]) => {
      const run = await runCli(['run', '-n', '6', '-c', '1', ...FAST_SIM, '--sim-image-token-ms', '0.5', ...extra, '--json', '-q', '--out', mkdtempSync(join(tmpdir(), 'llmperf-img-cli-'))], { timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as ResultDocument).summary.ttft_ms.p50!;
    };
    const base = await ttft([]);
    // One 280x280 image: 10 x 10 = 100 tokens, 50 ms of prefill at 0.5 ms a token.
    const extra = (await ttft(['--images', '1', '--image-size', '280x280'])) - base;
    expect(extra).toBeGreaterThan(30);
    expect(extra).toBeLessThan(75 + base);
  });

  it('over two engine threads: the image totals merge exactly', async () => {
    const run = await runCli(['run', '--images', '1', '--image-size', '32x32', '-n', '8', '-c', '2', '--workers', '2', ...FAST_SIM, '--json', '-q', '--out', mkdtempSync(join(tmpdir(), 'llmperf-img-cli-'))], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as ResultDocument;
    expect(doc.summary).toMatchObject({ succeeded: 8, input_images: 8, image_requests: 8 });
  });

  it('a dataset whose records carry images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-img-ds-'));
    writeFileSync(join(dir, 'cat.png'), drawImage({ widthPx: 56, heightPx: 28 }, 'png', 4));
    writeFileSync(join(dir, 'set.jsonl'), `${JSON.stringify({ prompt: 'What is this?', images: ['cat.png'] })}\n${JSON.stringify({ prompt: 'And this?', images: ['cat.png', 'cat.png'] })}\n`);
    const run = await runCli(['run', '--dataset-path', join(dir, 'set.jsonl'), '-n', '4', '-c', '2', ...FAST_SIM, '--json', '-q', '--out', join(dir, 'out')], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as ResultDocument;
    expect(doc.summary).toMatchObject({ succeeded: 4, input_images: 6, image_requests: 4 });
    expect(doc.config.images).toBe('dataset');
  });

  it('bad flags and bad image files: one line on stderr, exit 2, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-img-bad-'));
    writeFileSync(join(dir, 'set.jsonl'), `${JSON.stringify({ prompt: 'x', images: ['nope.png'] })}\n`);
    const cases: Array<[string[], RegExp]> = [
      [['--images', '0'], /--images 0: must be a whole number from 1 to 64/],
      [['--images', '1', '--image-size', '64'], /--image-size 64: each size must be WxH/],
      [['--images', '1', '--image-format', 'gif'], /--image-format gif: must be jpeg or png/],
      [['--image-size', '64x64'], /--image-size shapes synthetic images: add --images N/],
      [['--images', '1', '--api', 'completions'], /--api completions takes no images/],
      [['--images', '1', '--api', 'embeddings'], /--api embeddings takes no images/],
      [['--dataset-path', join(dir, 'set.jsonl')], /set\.jsonl:1: image nope\.png: no such file/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['run', '-n', '1', ...args, '--out', join(dir, 'out')], { timeoutMs: 60_000 });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });
});
