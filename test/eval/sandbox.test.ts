// HumanEval's sandbox: runs a correct, a wrong and a never-ending program only with --allow-code-execution, under bubblewrap.
import { describe, expect, it } from 'vitest';
import { completionProgram } from '../../src/eval/benchmarks/humaneval.js';
import { runPython, sandboxEnv } from '../../src/eval/sandbox.js';
import { UsageError } from '../../src/errors.js';
import { noBwrap } from './sandbox-helpers.js';

const task = {
  taskId: 't/0',
  prompt: 'def add(a, b):\n    """Add two numbers."""\n',
  canonical: '    return a + b\n',
  test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n',
  entryPoint: 'add',
};
const limits = { timeoutMs: 5000, memoryMb: 512 };

describe.skipIf(noBwrap !== null)(`runPython${noBwrap ? ` (skipped: ${noBwrap})` : ''}`, () => {
  it('refuses without the flag, saying why', async () => {
    await expect(runPython('print(1)', false, limits)).rejects.toThrow(UsageError);
    await expect(runPython('print(1)', false, limits)).rejects.toThrow(/--allow-code-execution/);
  });
  it('passes a correct completion and fails a wrong one', async () => {
    const good = await runPython(completionProgram(task, '```python\n    return a + b\n```'), true, limits);
    expect(good.status).toBe('passed');
    const full = await runPython(completionProgram(task, 'Here:\n```python\ndef add(a, b):\n    return b + a\n```'), true, limits);
    expect(full.status).toBe('passed');
    const bad = await runPython(completionProgram(task, '```python\n    return a - b\n```'), true, limits);
    expect(bad.status).toBe('failed');
    expect(bad.stderrTail).toContain('AssertionError');
  });
  it('kills a program that never ends at the time limit', async () => {
    // 1.5 s limit; the loop would run forever. Only the outcome is asserted, not the timing (shared machine).
    const r = await runPython('while True:\n    pass\n', true, { timeoutMs: 1500, memoryMb: 512 });
    expect(r.status).toBe('timeout');
  });
  it('enforces the memory limit', async () => {
    const r = await runPython('x = bytearray(800 * 1024 * 1024)\n', true, { timeoutMs: 10_000, memoryMb: 256 });
    expect(r.status).toBe('failed');
    expect(r.stderrTail).toContain('MemoryError');
  });
  it('hands the program no secrets from our environment', async () => {
    process.env.LLMPERF_TEST_SECRET = 'sk-should-not-leak';
    try {
      const r = await runPython('import os, sys\nif any("sk-should-not-leak" in v for v in os.environ.values()):\n    sys.exit(3)\n', true, limits);
      expect(r.status).toBe('passed');
      expect(Object.values(sandboxEnv('/tmp/x')).join(' ')).not.toContain('sk-');
    } finally {
      delete process.env.LLMPERF_TEST_SECRET;
    }
  });
});

describe('findPython', () => {
  it('finds python3 on our PATH and reports a missing interpreter as a usage error', async () => {
    const { findPython } = await import('../../src/eval/sandbox.js');
    expect(findPython()).toMatch(/python3$/);
    expect(() => findPython('no-such-python-llmperf')).toThrow(UsageError);
  });
});
