// End to end: the console and messages a new user meets (0-column terminals, pasted endpoints, typos, vLLM flags).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { CLI, runCli, startMockCli } from '../helpers/cli.js';
import { startBadServer, type TestServer } from '../helpers/servers.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'llmperf-glance-'));
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultDocument;
const FAST = ['--sim-output-tokens', '8', '--sim-itl', '2'];
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

describe('a terminal reporting 0 columns (script, CI and container ptys)', () => {
  it.runIf(hasScript)('finishes the run, prints the table and writes result.json', () => {
    const out = tempDir();
    // `script` gives the CLI a real pty; stty makes it report 0 columns, as some CI terminals do.
    const command = `stty cols 0 rows 0; ${shellQuote(process.execPath)} ${shellQuote(CLI)} -n 8 -c 2 ${FAST.join(' ')} --out ${shellQuote(out)}`;
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    const probe = spawnSync('script', ['-qec', `stty cols 0 rows 0; ${shellQuote(process.execPath)} -e 'process.stdout.write(String(process.stderr.columns))'`, '/dev/null'], { encoding: 'utf8' });
    expect(probe.stdout.trim()).toBe('0'); // the pty really reports 0 columns
    expect(run.stdout).not.toContain('Invalid count value');
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('Successful requests');
    expect(readResult(out).summary.succeeded).toBe(8);
  });
});

describe('console', () => {
  it("prints vLLM's words with llmperf's beside them, and --labels seed prints the seed's table", async () => {
    const vllm = await runCli(['-n', '6', '-c', '2', ...FAST, '--out', tempDir()]);
    expect(vllm.code, vllm.stderr).toBe(0);
    for (const label of ['Successful requests', 'Benchmark duration (s)', 'Request throughput (req/s)', 'Output token throughput (tok/s)', 'Total token throughput (tok/s)', 'Mean TTFT (ms)', 'Median TTFT (ms)', 'P99 TTFT (ms)', 'P99 TPOT (ms)', 'P99 ITL (ms)', 'P99 E2EL (ms)', 'QPS (qps)']) {
      expect(vllm.stdout, label).toContain(label);
    }
    const seed = await runCli(['-n', '6', '-c', '2', ...FAST, '--out', tempDir(), '--labels', 'seed']);
    expect(seed.stdout).toContain('QPS (req/s)');
    expect(seed.stdout).toContain('Packages per request');
    expect(seed.stdout).not.toContain('Successful requests');
  });

  it('embeddings runs show input tokens/s and latency, not TTFT or output tokens/s', async () => {
    const run = await runCli(['--api', 'embeddings', '-n', '6', '-c', '2', '--out', tempDir()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Input token throughput (tok/s)');
    expect(run.stdout).toContain('P99 E2EL (ms)');
    expect(run.stdout).not.toContain('Mean TTFT');
    expect(run.stdout).not.toMatch(/│ TTFT /);
    expect(run.stdout).not.toContain('Output token throughput');
  });

  it('-q prints one line: where result.json went', async () => {
    const out = tempDir();
    const run = await runCli(['-n', '4', ...FAST, '--out', out, '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(join(out, 'result.json'));
  });

  describe('a run in which every request failed', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startBadServer('http500');
    });
    afterAll(() => server.close());

    it('prints a one-line diagnosis instead of an empty table, exit 0 by default', async () => {
      const run = await runCli(['--url', server.url, '-n', '4', '--out', tempDir()]);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe('All 4 requests failed; most often http_500 (4): HTTP 500: {"error":{"message":"boom"}}');
      expect(run.stdout).not.toContain('Percentiles');
      expect(run.stdout).not.toContain('saturation');
    });

    it('--fail-on-errors RATE turns failures above the rate into exit 1', async () => {
      const failing = await runCli(['--url', server.url, '-n', '4', '--out', tempDir(), '--fail-on-errors', '10%']);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain('100.0% of requests failed, above --fail-on-errors 10.0%');
      const bad = await runCli(['--url', server.url, '-n', '4', '--out', tempDir(), '--fail-on-errors', 'lots']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--fail-on-errors lots');
    });

    it('--fail-on-errors passes a run whose failures are within the rate', async () => {
      const run = await runCli(['-n', '4', ...FAST, '--out', tempDir(), '--fail-on-errors', '0']);
      expect(run.code).toBe(0);
    });
  });
});

describe('messages for common mistakes', () => {
  it('--url with the full endpoint pasted uses the base URL and says so', async () => {
    const mock = await startMockCli(['--output-tokens', '8', '--itl', '2']);
    try {
      const out = tempDir();
      const run = await runCli(['--url', `${mock.url}/v1/chat/completions`, '-n', '4', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`--url ends in the endpoint path /v1/chat/completions: using the base URL ${mock.url}`);
      expect(readResult(out).summary.succeeded).toBe(4);
      const embeddings = await runCli(['--url', `${mock.url}/v1/embeddings`, '-n', '2', '--out', tempDir()]);
      expect(embeddings.stderr).toContain('add --api embeddings');
    } finally {
      await mock.stop();
    }
  });

  it.each([
    ['swep', "'swep' is not an llmperf command; did you mean 'llmperf sweep'?"],
    ['compre', "did you mean 'llmperf compare'?"],
    ['capcity', "did you mean 'llmperf capacity'?"],
    ['xyzzy', 'the commands are run, mock'],
  ])('a mistyped command %j suggests the closest one (exit 2)', async (word, message) => {
    const run = await runCli([word]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('too many arguments');
  });

  it("accepts vLLM's flag names: --num-prompts, --request-rate, --max-concurrency, --random-input-len, --random-output-len", async () => {
    const out = tempDir();
    const run = await runCli(['--num-prompts', '6', '--request-rate', '50', '--max-concurrency', '3', '--random-input-len', '32', '--random-output-len', '8', '--sim-itl', '2', '--out', out, '-q']);
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(out);
    expect(result.summary.succeeded).toBe(6);
    expect(result.config.rate).toBe(50);
    expect(result.config.concurrency).toBe(3);
    expect(result.config.input_tokens).toBe('32');
    expect(result.summary.output_tokens_per_request).toBe(8);
    const inf = await runCli(['--num-prompts', '4', '--request-rate', 'inf', ...FAST, '--out', tempDir(), '--json']);
    expect(JSON.parse(inf.stdout).config).toMatchObject({ rate: null, concurrency: 4 });
    const both = await runCli(['--num-prompts', '6', '--requests', '7', '--out', tempDir()]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--num-prompts and --requests are the same setting (--num-prompts is vLLM's name): give one");
  });

  it('--workers beyond the requests in flight is clamped with a message', async () => {
    const out = tempDir();
    const run = await runCli(['--workers', '99', '-c', '1', '-n', '2', ...FAST, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/--workers 99: using 1 engine thread, at most one per (request in flight|core)/);
  });

  it('--dataset-path of a ShareGPT file without --dataset reads it as ShareGPT', async () => {
    const out = tempDir();
    const file = join(out, 'dump.json');
    writeFileSync(file, JSON.stringify([{ conversations: [{ from: 'human', value: 'Hello there' }, { from: 'gpt', value: 'Hi! How can I help?' }] }, { conversations: [{ from: 'human', value: 'Name a colour' }, { from: 'gpt', value: 'Blue.' }] }]));
    const run = await runCli(['--dataset-path', file, '-n', '2', ...FAST, '--out', out, '-q']);
    expect(run.code, run.stderr).toBe(0);
    expect(readResult(out).config.dataset).toBe('sharegpt');
    expect(existsSync(join(out, 'result.json'))).toBe(true);
  });

  it('compare --fail-on with a bare number says how the number is read', async () => {
    const dir = tempDir();
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await runCli(['-n', '4', ...FAST, '--out', a, '-q']);
    await runCli(['-n', '4', ...FAST, '--out', b, '-q']);
    const run = await runCli(['compare', a, b, '--fail-on', 'ttft_ms.p99 > 10']);
    expect(run.stderr).toContain(`--fail-on "ttft_ms.p99 > 10": the bare number 10 is NEW's own ttft_ms.p99 (10 ms), not a change; write > +10 for a change of 10 ms or > +10% for a relative change`);
  });
});
