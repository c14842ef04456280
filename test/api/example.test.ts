// examples/ci-gate.mjs, the README's CI gate on the library, run as a user would: passes on a steady server, fails on a regression.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer, type MockServer } from 'llmperf';

const GATE = fileURLToPath(new URL('../../examples/ci-gate.mjs', import.meta.url));
let cwd: string;
let steady: MockServer;
let slower: MockServer;

function gate(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GATE, url], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'llmperf-gate-'));
  steady = await startMockServer({ port: 0, ttftMs: 100, itlMs: 5 });
  // The regression: every token takes three times as long. TTFT is long enough that a busy machine's jitter is not a +25% change.
  slower = await startMockServer({ port: 0, ttftMs: 100, itlMs: 15 });
});

afterAll(async () => {
  await steady?.close();
  await slower?.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('examples/ci-gate.mjs', () => {
  it('asks for a baseline first, passes against the same server, and fails the job on a slower one', async () => {
    const first = await gate(steady.url);
    expect(first.out).toContain('No baseline yet');
    expect(first.code).toBe(0);
    cpSync(join(cwd, 'perf', 'new'), join(cwd, 'perf', 'baseline'), { recursive: true });

    const same = await gate(steady.url);
    expect(same.out).toContain('ok   failed > 0');
    expect(same.code, same.out).toBe(0);

    const regressed = await gate(slower.url);
    expect(regressed.out).toContain('FAIL output_tokens_per_s < -20%');
    expect(regressed.code, regressed.out).toBe(1);
  });
});
