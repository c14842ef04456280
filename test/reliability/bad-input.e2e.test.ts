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
    // One line per bad record at most, under one headline: never a dump.
    expect(meaningful(run.stderr).length).toBeLessThanOrEqual(2);
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
