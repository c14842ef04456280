// Runs every ```sh runnable block of README.md, CONTRIBUTING.md and docs/*.md against the simulator, so the docs cannot go stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { extractExamples, matchOutput, PLACEHOLDER_URL, type DocExample } from './extract.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const examples: DocExample[] = DOCS.flatMap((file) => extractExamples(join(ROOT, file), file));

// The built simulator, started the way a user would start it, stands for `http://gpu-box:8000`.
let sim: { url: string; close: () => Promise<void> };
let bin: string;

beforeAll(async () => {
  const { startMockServer } = await import(join(ROOT, 'dist/mock/index.js'));
  sim = await startMockServer({ port: 0 });
  bin = mkdtempSync(join(tmpdir(), 'llmperf-docs-bin-'));
  writeFileSync(join(bin, 'llmperf'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'llmperf'), 0o755);
});

afterAll(async () => {
  await sim?.close();
  if (bin) rmSync(bin, { recursive: true, force: true });
});

function runBlock(script: string, cwd: string, expectExit: number | null): Promise<{ code: number | null; output: string }> {
  // -e stops at the first failing command; a block that expects a failure exit runs to its end.
  const prelude = `${expectExit === null ? 'set -eo pipefail' : ''}\nexec 2>&1\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', prelude + script], {
      cwd,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('runnable examples in the docs', () => {
  it('finds examples in the README and in every guide that has a job to run', () => {
    const files = new Set(examples.map((e) => e.file));
    for (const f of ['README.md', 'docs/load-testing.md', 'docs/capacity.md', 'docs/eval.md', 'docs/arena.md', 'docs/api.md']) expect(files).toContain(f);
  });

  for (const example of examples) {
    it(`${example.file}:${example.line}`, { timeout: 120_000 }, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'llmperf-docs-'));
      try {
        // No prompts/ folder here: examples must work from any folder, as after a global install.
        let script = example.code.replaceAll('npx llmperf', 'llmperf').replaceAll(PLACEHOLDER_URL, sim.url);
        if (example.lang === 'js') {
          // A program importing 'llmperf' by name, as a project that installed it would.
          mkdirSync(join(cwd, 'node_modules'));
          symlinkSync(ROOT, join(cwd, 'node_modules', 'llmperf'));
          writeFileSync(join(cwd, 'example.mjs'), script);
          script = `"${process.execPath}" example.mjs`;
        }
        const { code, output } = await runBlock(script, cwd, example.exit);
        const shown = output.replaceAll(sim.url, PLACEHOLDER_URL);
        expect(code, `exit code of ${example.file}:${example.line}\n${shown}`).toBe(example.exit ?? 0);
        if (example.expected) {
          const problems = matchOutput(example.expected.text, shown, example.expected.mode);
          expect(problems, `output of ${example.file}:${example.line} differs from the docs:\n${shown}`).toEqual([]);
        }
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});

describe('the output comparison', () => {
  const docs = '│ Time (s) │ 5.55 │ duration_s │\n│ Failed │ 0 │ failed │';
  it('accepts other numbers and column widths', () => {
    expect(matchOutput(docs, '│ Time (s)   │ 12.1 │ duration_s   │\n│ Failed │ 3 │ failed │', 'output')).toEqual([]);
  });
  it('catches a row the console prints that the docs lack, and a missing one', () => {
    expect(matchOutput(docs, '│ Time (s) │ 1 │ duration_s │\n│ Failed │ 0 │ failed │\n│ Sent │ 4 │ sent │', 'output')).not.toEqual([]);
    expect(matchOutput(docs, '│ Time (s) │ 1 │ duration_s │', 'glimpse')).not.toEqual([]);
  });
});
