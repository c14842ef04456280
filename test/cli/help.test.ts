// `llmperf --help` loads only the command table (no engine, report or simulator code), and the table agrees with the commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { COMMANDS, selectedCommand } from '../../src/cli/commands.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-help-'));
  // A module resolve hook that writes down every file module the process loads.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const resolved = await next(specifier, context);\n  if (resolved.url.startsWith('file:')) appendFileSync(process.env.LOAD_LOG, resolved.url + '\\n');\n  return resolved;\n}\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadedBy(args: string[]): { stdout: string; modules: string[] } {
  const log = join(dir, `loaded-${args.join('_')}.txt`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, ...args], { env: { ...process.env, LOAD_LOG: log }, encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  const modules = readFileSync(log, 'utf8').split('\n').filter((url) => url.includes('/dist/')).map((url) => url.slice(url.indexOf('/dist/') + 1));
  return { stdout: result.stdout, modules: [...new Set(modules)] };
}

describe('llmperf --help', () => {
  it('lists every command while loading none of them', () => {
    const { stdout, modules } = loadedBy(['--help']);
    for (const name of Object.keys(COMMANDS)) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(modules.sort()).toEqual(['dist/cli/commands.js', 'dist/cli/main.js', 'dist/cli/suggest.js', 'dist/errors.js', 'dist/util/redact.js']);
  });

  it('loads only the command asked for', () => {
    const { stdout, modules } = loadedBy(['compare', '--help']);
    expect(stdout).toContain('--fail-on');
    expect(modules).toContain('dist/cli/compare.js');
    expect(modules.some((m) => m.startsWith('dist/eval/') || m.startsWith('dist/mock/') || m.startsWith('dist/engine/run'))).toBe(false);
  });
});

describe('the command table', () => {
  it('describes each command as the command itself does', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      expect(command.name()).toBe(name);
      expect(command.description(), name).toBe(entry.description);
      expect(command.registeredArguments.map((arg) => (arg.required ? `<${arg.name()}${arg.variadic ? '...' : ''}>` : `[${arg.name()}]`)), name).toEqual(entry.args);
    }
  });

  it('picks the command commander will run', () => {
    expect(selectedCommand([])).toBe('run');
    expect(selectedCommand(['--help'])).toBeNull();
    expect(selectedCommand(['--debug', 'sweep', '--concurrency', '1,2'])).toBe('sweep');
    expect(selectedCommand(['--url', 'http://x', '-c', '4'])).toBe('run');
    expect(selectedCommand(['help', 'eval'])).toBe('eval');
    expect(selectedCommand(['--model', 'eval'])).toBe('run');
  });
});
