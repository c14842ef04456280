// The built CLI end to end: --max-event-bytes, the request id column, and the quiet-truncation warning.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { chunk, startReplayServer, type ReplayServer } from '../engine/fixtures/replay-server.js';

let server: ReplayServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const outDir = () => mkdtempSync(join(tmpdir(), 'llmperf-i13-'));

describe('llmperf run against servers that stream oddly', () => {
  it('--max-event-bytes: a bad size is one line and exit 2', async () => {
    const run = await runCli(['--max-event-bytes', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').filter((l) => !l.includes('--debug'))).toEqual(['llmperf: --max-event-bytes huge: not a size; use bytes or forms like 512KB, 1MB']);
  });

  it('an event over --max-event-bytes is event_too_large in result.json; requests.csv carries the server request id', async () => {
    server = await startReplayServer({
      headers: { 'content-type': 'text/event-stream', 'x-request-id': 'trace-42' },
      body: chunk('x'.repeat(80 * 1024), 'stop') + 'data: [DONE]\n\n',
    });
    const out = outDir();
    const run = await runCli(['--url', server.url, '--model', 'replay', '-n', '3', '-c', '1', '--max-event-bytes', '64KB', '--out', out, '-q']);
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.summary.errors).toEqual({ event_too_large: 3 });
    expect(result.summary.error_samples.event_too_large).toContain('grew past 65536 bytes');
    expect(result.summary.sent).toBe(result.summary.succeeded + result.summary.failed + result.summary.cancelled);
    expect(result.config.max_event_bytes).toBe(65536);
    const [header, ...rows] = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    const columns = header.split(',');
    expect(columns).toEqual(expect.arrayContaining(['retries', 'request_id', 'usage_invalid']));
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(rows.length).toBe(3);
    expect(rows.every((row) => cell(row, 'request_id') === 'trace-42' && cell(row, 'usage_invalid') === 'false')).toBe(true);
  });

  it('--ignore-eos against a server that stops early prints the truncation warning and marks result.json', async () => {
    server = await startReplayServer({
      body: chunk('aaaa') + chunk('bbbb', 'length') + 'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\ndata: [DONE]\n\n',
    });
    const out = outDir();
    const run = await runCli(['--url', server.url, '--model', 'replay', '-n', '10', '-c', '2', '--output-tokens', '16', '--ignore-eos', '--out', out, '--format', 'table']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Warning: --ignore-eos: 10 of 10 requests (100.0%) ended shorter than asked, typically at 2 tokens of 16 asked');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.summary.output_truncated).toMatchObject({ shorter: 10, requests: 10, shorter_mean_tokens: 2, requested_mean_tokens: 16 });
    // With --json the document goes to stdout and the warning to stderr.
    const json = await runCli(['--url', server.url, '--model', 'replay', '-n', '4', '-c', '2', '--output-tokens', '16', '--ignore-eos', '--out', outDir(), '--json']);
    expect(JSON.parse(json.stdout).summary.output_truncated.shorter).toBe(4);
    expect(json.stderr).toContain('Warning: --ignore-eos: 4 of 4 requests');
  });
});
