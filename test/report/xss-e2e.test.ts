// A real run against a hostile server: model id, responses and error bodies carry script payloads; report.html shows them as text.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { canvasInk, launchBrowser, openFile } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const SCRIPT = `<script>window.__pwned='script';alert('script')</script>`;
const IMG = `<img src=x onerror="window.__pwned='img';alert('img')">`;
const MODEL = `m${IMG}`;

/** Streams answers made of payloads; every third request fails with a payload in its error body. */
function hostileServer(): Server {
  let count = 0;
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
        return;
      }
      count += 1;
      if (count % 3 === 0) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${SCRIPT} ${IMG}`, type: 'server_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: MODEL, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
      res.write(chunk(SCRIPT));
      res.write(chunk(IMG));
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: MODEL, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
}

describe('report of a run against a hostile server', () => {
  const root = mkdtempSync(join(tmpdir(), 'llmperf-xss-'));
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = hostileServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('escapes the model id, error bodies and prompt file name; nothing executes', async () => {
    const promptsDir = join(root, `p${IMG.replace(/\//g, '')}`);
    mkdirSync(promptsDir);
    const prompts = join(promptsDir, 'prompts.txt');
    writeFileSync(prompts, `${SCRIPT}\n${IMG}\n`);
    const out = join(root, 'out');
    const run = await runCli(['--url', url, '-n', '12', '-c', '2', '--prompts', prompts, '--format', 'json,md,html', '--out', out, '-q']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(result.config.model).toBe(MODEL);
    expect(result.summary.failed).toBe(4);

    const browser = await launchBrowser();
    try {
      const { page, errors, dialogs } = await openFile(browser, join(out, 'report.html'));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('h1').textContent()).toContain(IMG);
      // Every error sample the engine kept is shown verbatim, as text.
      const samples = Object.values(result.summary.error_samples);
      expect(samples.join(' ')).toMatch(/<script|onerror/);
      const errorsText = await page.locator('#errors-table').textContent();
      for (const sample of samples) expect(errorsText).toContain(sample);
      for (const canvas of await canvasInk(page)) expect(canvas.inked, canvas.id).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).not.toMatch(/<img|<script/);
  });
});
