// `llmperf mock`: flags become options, bad values are usage errors, the real command serves and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mockCommand } from '../../src/cli/mock.js';
import { UsageError } from '../../src/errors.js';
import { chunks, post } from './helpers.js';

describe('llmperf mock flags', () => {
  it('rejects bad values with a UsageError', async () => {
    for (const args of [['--slots', '0'], ['--ttft', 'abc'], ['--port', '-1'], ['--output-tokens', '2.5']]) {
      const cmd = mockCommand().exitOverride();
      await expect(cmd.parseAsync(args, { from: 'user' }), args.join(' ')).rejects.toThrow(UsageError);
    }
  });

  it('serves with the given settings and exits 0 on SIGTERM', async () => {
    // The compiled command, as the installed CLI runs it (npm test builds dist/ first).
    const modulePath = fileURLToPath(new URL('../../dist/cli/mock.js', import.meta.url));
    const script = `const { mockCommand } = await import(${JSON.stringify(modulePath)}); await mockCommand().parseAsync(process.argv.slice(1), { from: 'user' });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', '--port', '0', '--ttft', '5', '--itl', '1', '--output-tokens', '7', '--model', 'cli-sim'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]!);
        }
      });
    });
    expect(line).toMatch(/^llmperf mock listening on http:\/\/127\.0\.0\.1:\d+ \(model cli-sim, ttft 5 ms, itl 1 ms, slots 64\)$/);
    const url = line.match(/(http:\/\/\S+)/)![1]!;
    const r = await post(url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(chunks(r).filter((c) => c.choices[0]?.delta?.content)).toHaveLength(7);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('llmperf mock phase-2 flags', () => {
  it('maps --fault (repeatable), --answers, --judge-rule and --reasoning-tokens into options', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { mockOptionsFromFlags, readAnswerKey } = await import('../../src/cli/mock.js');
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-mock-'));
    try {
      const answers = join(dir, 'answers.jsonl');
      writeFileSync(answers, '{"match":"2+2","correct":"4","incorrect":"5"}\n\n{"match":"3+3","correct":"6","incorrect":"7"}\n');
      let seen: ReturnType<typeof mockOptionsFromFlags> | null = null;
      const cmd = mockCommand().exitOverride();
      // Replace the action: check the parsed flags without starting a server.
      cmd.action((flags) => {
        seen = mockOptionsFromFlags(flags);
      });
      await cmd.parseAsync(['--fault', 'reset:0.1', '--fault', '429:5%', '--answers', answers, '--answer-accuracy', '0.6', '--judge-rule', 'longer', '--reasoning-tokens', '8'], {
        from: 'user',
      });
      expect(seen).toMatchObject({
        faults: [{ kind: 'reset', rate: 0.1 }, { kind: '429', rate: 0.05 }],
        answerKey: [{ match: '2+2', correct: '4', incorrect: '5' }, { match: '3+3', correct: '6', incorrect: '7' }],
        answerAccuracy: 0.6,
        judgeRule: 'longer',
        reasoningTokens: 8,
      });
      const bad = join(dir, 'bad.jsonl');
      writeFileSync(bad, '{"match":"a","correct":"b","incorrect":"c"}\n{"match": 1}\n');
      expect(() => readAnswerKey(bad)).toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
      expect(() => readAnswerKey(join(dir, 'missing.jsonl'))).toThrow(UsageError);
      await expect(mockCommand().exitOverride().parseAsync(['--fault', 'explode:0.1'], { from: 'user' })).rejects.toThrow(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
