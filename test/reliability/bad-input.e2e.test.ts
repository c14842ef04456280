// Bad input on the real CLI: every flag, URL and dataset file problem is one line naming the culprit, exit 2, no stack
// trace; an unreachable server is found before the run (exit 3) with the URL in the message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE } from '../../src/errors.js';
import { startMockServer } from '../../src/mock/index.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-badinput-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const notADir = file('plain-file', 'x');
const binaryFile = join(dir, 'image.bin');
writeFileSync(binaryFile, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x41]));

/** [args, text the one line must contain] */
const FLAG_CASES: Array<[string[], string]> = [
  [['--concurrency', '0'], '--concurrency 0'],
  [['-c', '1.5'], '--concurrency 1.5'],
  [['-n', 'abc'], '--requests abc'],
  [['--duration', '10x'], '--duration 10x'],
  [['--duration', '0'], '--duration 0'],
  [['--requests', '5', '--duration', '5s'], '--requests and --duration'],
  [['--rate', '-1'], '--rate -1'],
  [['--url', 'ftp://example.test'], '--url ftp://example.test'],
  [['--url', 'not a url'], '--url not a url'],
  [['--url', 'http://127.0.0.1:99999'], '--url http://127.0.0.1:99999'],
  [['--url', 'http://user:pw@127.0.0.1:1'], 'credentials in the URL'],
  [['--api', 'foo'], '--api foo'],
  [['--header', 'no-colon-here'], '--header'],
  [['--header', 'X-Token: abc\nInjected: yes'], '--header X-Token: the value contains a line break'],
  [['--api-key-file', join(dir, 'missing.txt')], '--api-key-file'],
  [['--api-key-file', file('empty-key.txt', '\n')], 'is empty'],
  [['--timeout', '0s'], '--timeout 0s'],
  [['--idle-timeout', 'soon'], '--idle-timeout soon'],
  [['--seed', '-1'], '--seed -1'],
  [['--extra-body', '{bad'], '--extra-body'],
  [['--extra-body', '[1]'], '--extra-body'],
  [['--warmup', 'x'], '--warmup x'],
  [['--grace', 'x'], '--grace x'],
  [['--retries', '-1'], '--retries -1'],
  [['--retries', '1.5'], '--retries 1.5'],
  [['--format', 'pdf'], '--format'],
  [['--slo', 'nonsense'], '--slo'],
  [['--sim-slots', '0'], '--sim-slots 0'],
  [['--out', join(notADir, 'sub'), '-n', '1', '-q'], '--out'],
  [['--concurency', '4'], 'unknown option'],
  [['--prompts', join(dir, 'missing.txt')], 'missing.txt'],
  [['--prompts', file('empty.txt', '')], 'empty.txt'],
  // Bounds (issue 15): durations past Node's longest timer, rates that never end, token counts V8 cannot hold.
  [['--timeout', '600h'], '--timeout 600h: must be at most 576h'],
  [['--grace', '600h'], '--grace 600h: must be at most 576h'],
  [['--duration', '99999999999999999999h'], 'must be at most 576h'],
  [['--rate', '1e-300', '-n', '2'], '--rate 1e-300: must be at least 0.001'],
  [['--rate', '1e300', '-n', '2'], '--rate 1e300: must be at most 1,000,000'],
  [['--input-tokens', '1e9'], '--input-tokens 1e9: at most 10,000,000 tokens'],
  [['--output-tokens', '100:1e12'], '--output-tokens 100:1e12: at most 10,000,000 tokens'],
  [['--out', '/proc/llmperf-cannot-be-here', '-n', '1', '-q'], '--out /proc/llmperf-cannot-be-here: cannot write there (ENOENT)'],
  [['--prompts', binaryFile], `--prompts ${binaryFile}: a binary file`],
  [['--url', 'ftp://user:PASS-9q7@example.test/?api_key=QUERY-SECRET-3z'], '--url ftp://[redacted]@example.test/?api_key=[redacted]: only http'],
  [['--url', 'http://user:PASS-9q7@127.0.0.1:1/'], '--url http://[redacted]@127.0.0.1:1/: credentials in the URL'],
  [['mock', '--fault', 'bogus:0.1'], '--fault bogus:0.1'],
  [['mock', '--fault', 'reset:2'], '--fault reset:2'],
  [['mock', '--port', 'abc'], '--port'],
];

const STACK_LINE = /^\s+at .+[(:]/m;
/** The error lines: without the hint about --debug and commander's "(Did you mean ...?)" suggestion. */
const meaningful = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes('--debug') && !line.startsWith('(Did you mean'));

describe('bad input: one line, exit 2, no stack trace', () => {
  for (const [args, mention] of FLAG_CASES) {
    it(args.join(' '), async () => {
      const run = await runCli(args, { timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(EXIT_USAGE);
      expect(run.stderr).not.toMatch(STACK_LINE);
      const lines = meaningful(run.stderr);
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(mention);
    });
  }

  it('a bad record in a dataset file names the file and the line', async () => {
    const path = file('bad.jsonl', '{"prompt": "fine"}\n{"prompt": \n');
    const run = await runCli(['--prompts', path], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(EXIT_USAGE);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stderr).toContain(`${path}:2`);
    // One line, as promised, however many records are bad.
    expect(meaningful(run.stderr)).toHaveLength(1);
  });

  it('many bad records still make one line', async () => {
    const path = file('many-bad.jsonl', 'not json\n'.repeat(40));
    const run = await runCli(['--prompts', path], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(EXIT_USAGE);
    expect(meaningful(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(`${path}: 40 bad record(s): ${path}:1: not valid JSON;`);
    expect(run.stderr).toContain('and 35 more');
  });

  it('a refused URL never echoes its password or query values', async () => {
    for (const url of ['ftp://user:PASS-9q7@example.test/?api_key=QUERY-SECRET-3z', 'http://user:PASS-9q7@127.0.0.1:99999/x?token=QUERY-SECRET-3z&b']) {
      const run = await runCli(['--url', url], { timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(EXIT_USAGE);
      expect(run.stderr).not.toContain('PASS-9q7');
      expect(run.stderr).not.toContain('QUERY-SECRET-3z');
    }
  });

  it('an API key with a line break or a character outside Latin-1 is bad input, never echoed', async () => {
    for (const key of ['sk-FAKE-abc\r\nX-Injected: 1', 'sk-FAKE-\u2013dash', 'sk-FAKE-tab\u0007bell']) {
      const run = await runCli(['-n', '1', '-q', '--out', join(dir, 'bad-key')], { env: { OPENAI_API_KEY: key }, timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(EXIT_USAGE);
      const lines = meaningful(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('the API key in $OPENAI_API_KEY');
      expect(run.stderr).not.toContain('sk-FAKE');
    }
    const keyFile = file('key-with-break.txt', 'sk-FAKE-first\nsecond-line\n');
    const run = await runCli(['--api-key-file', keyFile, '-n', '1', '-q'], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(EXIT_USAGE);
    expect(meaningful(run.stderr)[0]).toContain(`--api-key-file ${keyFile}: the value contains a line break`);
  });

  it('--debug adds the stack trace', async () => {
    const run = await runCli(['--concurrency', '0', '--debug'], { timeoutMs: 30_000 });
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(STACK_LINE);
  });
});

describe('an unreachable server is found before the run', () => {
  it('model discovery fails: exit 3, the URL named, nothing sent', async () => {
    const port = await closedPort();
    const out = join(dir, 'unreachable');
    const run = await runCli(['--url', `http://127.0.0.1:${port}`, '-n', '4', '--out', out], { timeoutMs: 30_000 });
    expect(run.code).toBe(EXIT_RUNTIME);
    expect(meaningful(run.stderr).find((line) => line.includes('cannot reach'))).toContain(`http://127.0.0.1:${port}`);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('with --model (no discovery) the pre-flight still finds it: exit 3, not a run of connection errors', async () => {
    const port = await closedPort();
    const run = await runCli(['--url', `http://127.0.0.1:${port}`, '--model', 'm', '-n', '4', '--out', join(dir, 'unreachable-model')], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(EXIT_RUNTIME);
    expect(run.stderr).toContain(`http://127.0.0.1:${port}: cannot reach the server (ECONNREFUSED)`);
  });

  it('with --model, a reachable server passes the pre-flight and the run goes ahead', async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 4 });
    try {
      const run = await runCli(['--url', sim.url, '--model', 'llmperf-sim', '-n', '4', '-q', '--out', join(dir, 'reachable')], { timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(0);
      // One pre-flight GET, then exactly the 4 requests.
      expect((await sim.stats()).requests).toBe(4);
    } finally {
      await sim.close();
    }
  });
});
