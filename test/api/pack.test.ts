// The published package: npm pack, npm install of the tarball in a fresh folder, then import { runLoad } from 'llmperf' and the bin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let app: string;
let packOutput: string;
let installOutput: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-pack-'));
  app = join(dir, 'app');
  // dist/ is already built (npm test builds first); --ignore-scripts skips prepack's second build.
  const packed = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 120_000, maxBuffer: 64 << 20 });
  packOutput = packed.stdout;
  const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'))!;
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  // Dependencies come from the npm cache when they are there (they are, on a machine that ran npm ci).
  const installed = await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], { cwd: app, timeout: 240_000 });
  installOutput = installed.stdout + installed.stderr;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the built files, the licence, the prompts and the launcher, and no sources or tests', () => {
    const files = (JSON.parse(packOutput) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/llmperf.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'prompts/default.txt', 'prompts/arena/arena.yaml']) {
      expect(files, file).toContain(file);
    }
    expect(files.some((file) => file.startsWith('src/') || file.startsWith('test/'))).toBe(false);
  });

  it('installs without an install-script warning', () => {
    expect(installOutput).not.toMatch(/install-scripts|prepare/);
  });

  it("import { runLoad } from 'llmperf' runs a load against the built-in simulator", async () => {
    writeFileSync(
      join(app, 'smoke.mjs'),
      `import { runLoad } from 'llmperf';\n` +
        `const result = await runLoad({ concurrency: 2, requests: 6, outputTokens: 4, simulator: { ttftMs: 5, itlMs: 2 }, out: 'runs/smoke', format: 'json' });\n` +
        `console.log(JSON.stringify({ succeeded: result.summary.succeeded, simulated: result.simulated }));\n`,
    );
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: app, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ succeeded: 6, simulated: true });
    expect(existsSync(join(app, 'runs', 'smoke', 'result.json'))).toBe(true);
  });

  it('the installed command finds its shipped files from any folder', async () => {
    const bin = join(app, 'node_modules', '.bin', 'llmperf');
    const help = await run(bin, ['arena', '--help'], { cwd: dir, timeout: 30_000 });
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/"example" or "peer" for the shipped ones \(.*prompts\/arena\/arena\.yaml, .*prompts\/arena\/peer\.yaml\)/);
    const dry = await run(bin, ['arena', '--config', 'example', '--dry-run'], { cwd: dir, timeout: 30_000 });
    expect(dry.stdout).toMatch(/judge/);
    const peer = await run(bin, ['arena', '--config', 'peer', '--dry-run'], { cwd: dir, timeout: 30_000 });
    expect(peer.stdout).toMatch(/peer/);
  });
});
