#!/usr/bin/env node
// The llmperf command: starts the CLI from dist/, building dist/ first when run from a fresh checkout.
// Published packages ship dist/ (built by `prepack`), so installing runs no script; a clone has no dist/
// until it is built, and this is what keeps `npm ci && npx llmperf` working there.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
    process.stderr.write(`llmperf: ${fileURLToPath(main)} is missing; reinstall llmperf\n`);
    process.exit(3);
  }
  process.stderr.write('llmperf: first run from a checkout: building dist/ (npm run build)\n');
  let tsc;
  try {
    tsc = createRequire(new URL('../package.json', import.meta.url)).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('llmperf: TypeScript is not installed; run npm ci first\n');
    process.exit(3);
  }
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 3);
}
await import(main.href);
