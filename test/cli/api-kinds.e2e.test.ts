// The built CLI with --api messages against an Anthropic-shaped server: the key goes as x-api-key everywhere (pre-flight too) and never into the result.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const KEY = 'sk-ant-api03-e2e-secret-value';
const out = mkdtempSync(join(tmpdir(), 'llmperf-api-kinds-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ev = (type: string, payload: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

it('--api messages: x-api-key and anthropic-version on GET /v1/models and POST /v1/messages; the result names the API, never the key', async () => {
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"claude-sim","type":"model"}]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(
      ev('message_start', { message: { id: 'msg_1', usage: { input_tokens: 7, output_tokens: 1 } } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ' there' } }) +
        ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }) +
        ev('message_stop'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = join(out, 'run');
    const run = await runCli(['--url', url, '--api', 'messages', '--api-key-env', 'ANTHROPIC_API_KEY', '-n', '4', '--out', dir, '--quiet'], { env: { ANTHROPIC_API_KEY: KEY } });
    expect(run.code, run.stderr).toBe(0);
    const models = seen.find((r) => r.url === '/v1/models')!;
    const messages = seen.filter((r) => r.url === '/v1/messages');
    expect(messages).toHaveLength(4);
    for (const request of [models, ...messages]) {
      expect(request.headers['x-api-key']).toBe(KEY);
      expect(request.headers['anthropic-version']).toBe('2023-06-01');
      expect(request.headers.authorization).toBeUndefined();
    }
    const text = readFileSync(join(dir, 'result.json'), 'utf8');
    expect(text).not.toContain(KEY);
    const result = JSON.parse(text) as { config: { api: string; model: string }; summary: { succeeded: number; output_tokens_per_request: number; input_tokens_per_request: number } };
    expect(result.config).toMatchObject({ api: 'messages', model: 'claude-sim' });
    expect([result.summary.succeeded, result.summary.output_tokens_per_request, result.summary.input_tokens_per_request]).toEqual([4, 2, 7]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
