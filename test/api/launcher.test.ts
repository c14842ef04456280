// The README's set-up from a fresh checkout: no dist/ yet, and the llmperf command builds it on its first run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let checkout: string;

beforeAll(() => {
  // What a clone holds after npm ci: the sources and the dependencies, no dist/.
  checkout = mkdtempSync(join(tmpdir(), 'llmperf-checkout-'));
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'bin', 'prompts']) cpSync(join(ROOT, entry), join(checkout, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

describe('bin/llmperf.js in a fresh checkout', () => {
  it('builds dist/ on the first run, says so, and runs the command; later runs start at once', { timeout: 300_000 }, () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const first = spawnSync(process.execPath, [join(checkout, 'bin', 'llmperf.js'), '--version'], { cwd: checkout, encoding: 'utf8', timeout: 280_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('first run from a checkout: building dist/');
    expect(first.stdout.trim()).toBe(version);
    expect(existsSync(join(checkout, 'dist', 'index.d.ts'))).toBe(true);
    const second = spawnSync(process.execPath, [join(checkout, 'bin', 'llmperf.js'), '--version'], { cwd: checkout, encoding: 'utf8', timeout: 30_000 });
    expect(second.stderr).toBe('');
    expect(second.stdout.trim()).toBe(version);
  });
});
