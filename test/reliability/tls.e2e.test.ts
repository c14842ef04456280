// TLS: certificates are verified unless --insecure; a self-signed server is refused with a message saying so.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_RUNTIME } from '../../src/errors.js';
import { runLoad } from '../../src/engine/run.js';
import { testConfig } from '../helpers/config.js';
import { runCli } from '../helpers/cli.js';
import { selfSigned } from '../helpers/tls.js';
import { tempDir } from './helpers.js';

const credentials = selfSigned();
let server: Server;
let url = '';

const sse = (content: string, finish: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

describe.skipIf(credentials === null)('TLS verification', () => {
  beforeAll(async () => {
    server = createServer(credentials!, (req, res) => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'tls-model' }] }));
        return;
      }
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse('hi', null) + sse('', 'stop') + 'data: [DONE]\n\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the engine verifies by default (tls_error) and not with rejectUnauthorized false', async () => {
    const strict = await runLoad(testConfig(url, { requests: 2, concurrency: 1 }));
    expect(strict.totals.errors).toEqual({ tls_error: 2 });
    const relaxed = await runLoad(testConfig(url, { requests: 2, concurrency: 1, rejectUnauthorized: false }));
    expect(relaxed.totals.succeeded).toBe(2);
  });

  it('the CLI refuses a self-signed server before the run, saying how to accept it', async () => {
    const run = await runCli(['--url', url, '-n', '2', '--out', tempDir()], { timeoutMs: 30_000 });
    expect(run.code).toBe(EXIT_RUNTIME);
    expect(run.stderr).toContain(`${url}: the server's TLS certificate is not trusted`);
    expect(run.stderr).toContain('--insecure');
  });

  it('--insecure: discovery and the run both go through', async () => {
    const out = tempDir();
    const run = await runCli(['--url', url, '-n', '4', '-q', '--insecure', '--out', out, '--format', 'json'], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { config: { model: string }; summary: { succeeded: number } };
    expect(result.config.model).toBe('tls-model');
    expect(result.summary.succeeded).toBe(4);
  });
});
