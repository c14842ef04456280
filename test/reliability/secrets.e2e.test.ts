// The real CLI with recognisable fake credentials, against a server that echoes them back in its errors: no file it
// writes and nothing it prints may contain them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/servers.js';
import { filesUnder, tempDir } from './helpers.js';

const ENV_KEY = 'sk-llmperf-FAKE-ENVKEY-7f3a9c';
const FILE_KEY = 'sk-llmperf-FAKE-FILEKEY-51be0d';
const HEADER_VALUE = 'hdr-llmperf-FAKE-ORGSECRET-c0ffee';
const BEARER = 'tok-llmperf-FAKE-BEARER-d00d42';
/** A gateway key that rides in the URL's query (`?api_key=`): sent, and redacted everywhere. */
const QUERY_KEY = 'qk-llmperf-FAKE-QUERYKEY-b1a5ed';
const SECRETS = [ENV_KEY, FILE_KEY, HEADER_VALUE, BEARER, QUERY_KEY];

let server: Server;
let url = '';
/** What the server received, to prove the credentials were really sent. */
const received = { authorization: new Set<string>(), org: new Set<string>(), queryKeys: new Set<string>() };
let count = 0;

const sse = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

function echo(req: IncomingMessage): string {
  return `authorization=${req.headers.authorization ?? ''} x-org-secret=${req.headers['x-org-secret'] ?? ''} url=${req.url ?? ''}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers.authorization) received.authorization.add(req.headers.authorization);
    if (typeof req.headers['x-org-secret'] === 'string') received.org.add(req.headers['x-org-secret']);
    const queryKey = new URL(req.url ?? '/', 'http://x').searchParams.get('api_key');
    if (queryKey) received.queryKeys.add(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname} ${queryKey}`);
    if (new URL(req.url ?? '/', 'http://x').pathname.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'echo-model' }] }));
      return;
    }
    req.resume();
    req.on('end', () => {
      const n = count++;
      // Each failing kind echoes the credentials the way careless servers and proxies do.
      if (n % 4 === 0) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `invalid key: ${echo(req)}` } }));
      } else if (n % 4 === 1) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>proxy error for ${echo(req)}</body></html>`);
      } else if (n % 4 === 2) {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse('a') + `data: {"echo": "${echo(req)}"\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(sse(`you sent ${echo(req)}`) + `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${secret} leaked into ${where}`).toBe(false);
    expect(text.includes(encodeURIComponent(secret)), `${secret} (URL-encoded) leaked into ${where}`).toBe(false);
  }
}

function expectNothingLeaked(out: string, printed: string): void {
  const files = filesUnder(out);
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const file of files) expectNoSecret(file, readFileSync(file).toString('latin1'));
  expectNoSecret('the console', printed);
}

describe('secrets never leave the process', () => {
  it('an env key and an extra header, echoed back in every error: no file and no output holds them', async () => {
    const out = tempDir('llmperf-secrets-');
    const run = await runCli(
      ['--url', url, '-c', '2', '-n', '16', '--out', out, '--format', 'table,json,csv,md,html', '--header', `X-Org-Secret: ${HEADER_VALUE}`, '--json'],
      { env: { OPENAI_API_KEY: ENV_KEY } },
    );
    expect(run.code, run.stderr).toBe(0);
    // They were really sent, so the server really echoed them.
    expect(received.authorization).toContain(`Bearer ${ENV_KEY}`);
    expect(received.org).toContain(HEADER_VALUE);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(result.summary.failed).toBe(12);
    expect(Object.keys(result.summary.error_samples).sort()).toEqual(['http_401', 'invalid_json', 'not_event_stream']);
    expect(result.summary.error_samples.http_401).toContain('[redacted]');
    expect(result.config.api_key).toBe('redacted');
    expectNothingLeaked(out, run.stdout + run.stderr);
  });

  it('an Authorization header and --api-key-file, with --debug: still nothing', async () => {
    const out = tempDir('llmperf-secrets-');
    const keyFile = join(tempDir('llmperf-keyfile-'), 'key.txt');
    writeFileSync(keyFile, FILE_KEY + '\n');
    const run = await runCli(
      ['--url', url, '-c', '2', '-n', '8', '--out', out, '--format', 'table,json,csv,md,html', '--api-key-file', keyFile, '--header', `Authorization: Bearer ${BEARER}`, '--debug'],
      { env: { OPENAI_API_KEY: ENV_KEY } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(received.authorization).toContain(`Bearer ${BEARER}`);
    expectNothingLeaked(out, run.stdout + run.stderr);
  });

  it("a key in the URL's query is sent on every request (the pre-flight too) and redacted everywhere", async () => {
    const out = tempDir('llmperf-secrets-');
    const run = await runCli(['--url', `${url}/v1?api_key=${QUERY_KEY}`, '-c', '2', '-n', '8', '--out', out, '--format', 'table,json,csv,md,html', '--debug']);
    expect(run.code, run.stderr).toBe(0);
    expect(received.queryKeys).toContain(`GET /v1/models ${QUERY_KEY}`);
    expect(received.queryKeys).toContain(`POST /v1/chat/completions ${QUERY_KEY}`);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(result.config.url).toBe(`${url}?api_key=[redacted]`);
    expect(result.summary.failed).toBeGreaterThan(0); // the server echoed the URL back in its errors
    expectNothingLeaked(out, run.stdout + run.stderr);
  });

  it('an error raised before any run (a bad --prompts path that happens to hold the key) is redacted too', async () => {
    const run = await runCli(['--prompts', `/nonexistent/${ENV_KEY}.txt`], { env: { OPENAI_API_KEY: ENV_KEY } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[redacted]');
    expectNoSecret('stderr', run.stdout + run.stderr);
  });

  it('an unreachable server: the error names the URL, never the key', async () => {
    const port = await closedPort();
    const run = await runCli(['--url', `http://127.0.0.1:${port}`, '--header', `X-Org-Secret: ${HEADER_VALUE}`, '--debug'], {
      env: { OPENAI_API_KEY: ENV_KEY },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expectNoSecret('stderr', run.stdout + run.stderr);
  });
});
