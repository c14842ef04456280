// The built CLI against a hostile server: Ctrl-C mid-program, a background rewrite of the output folder, no bwrap on PATH.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../src/eval/sandbox.js';
import { CLI, runCli } from '../helpers/cli.js';
import { noBwrap, processesWith, replyWith, startCodeServer, waitFor } from './sandbox-helpers.js';

const evalArgs = (url: string, out: string, extra: string[] = []) => ['eval', '--url', url, '--datasets', 'humaneval', '--limit', '1', '--allow-code-execution', '--no-cache', '--out', out, ...extra];

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'llmperf-sandbox-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs the CLI with its own TMPDIR, sends `signal` once the program's two sleeps show up in /proc (`tag` in
 * its process group, `tag`5 in a session of its own), and returns the exit code and what is left.
 */
async function interruptMidProgram(extra: string[], tag: string, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; stderr: string; leftInGroup: number[]; leftInSession: number[]; leftTemp: string[] }> {
  const server = await startCodeServer(replyWith(`import subprocess, time\nsubprocess.Popen(["sleep", "${tag}"])\nsubprocess.Popen(["sleep", "${tag}5"], start_new_session=True)\ntime.sleep(60)`));
  // Searchable by nobody, which runs the program when we are root and there is no sandbox.
  const tmp = join(root, `tmp-${tag}`);
  mkdirSync(tmp, { mode: 0o1777 });
  chmodSync(tmp, 0o1777);
  chmodSync(root, 0o755);
  try {
    const child = spawn(process.execPath, [CLI, ...evalArgs(server.url, join(root, `out-${tag}`), ['--code-timeout', '60', ...extra])], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const started = await waitFor(() => processesWith(tag).length >= 2, 30_000);
    child.kill(signal);
    const code = await closed;
    expect(started, stderr).toBe(true);
    await waitFor(() => processesWith(tag).length === 0, 3000);
    return { code, stderr, leftInGroup: processesWith(`${tag}\0`), leftInSession: processesWith(`${tag}5\0`), leftTemp: readdirSync(tmp) };
  } finally {
    await server.close();
  }
}

describe.skipIf(noBwrap !== null)(`llmperf eval with a hostile server${noBwrap ? ` (skipped: ${noBwrap})` : ''}`, () => {
  it('Ctrl-C mid-program leaves no process and no temp folder', async () => {
    const r = await interruptMidProgram([], `3602.${process.pid}3`);
    expect(r.code).toBe(130);
    expect(r.leftInGroup).toEqual([]);
    expect(r.leftInSession).toEqual([]);
    expect(r.leftTemp).toEqual([]);
  });

  it('SIGTERM, and even SIGKILL of llmperf, leave no process behind', async () => {
    const term = await interruptMidProgram([], `3604.${process.pid}6`, 'SIGTERM');
    expect(term.code).toBe(130);
    expect([...term.leftInGroup, ...term.leftInSession]).toEqual([]);
    // No handler runs on SIGKILL: bubblewrap's --die-with-parent takes the namespace down with us.
    const killed = await interruptMidProgram([], `3605.${process.pid}7`, 'SIGKILL');
    expect(killed.code).toBeNull();
    expect([...killed.leftInGroup, ...killed.leftInSession]).toEqual([]);
    expect(killed.leftTemp).toEqual([]);
  });

  it('a background process cannot rewrite the output folder after the eval ends; correct code still passes', async () => {
    const out = join(root, 'out-rewrite');
    const target = join(out, 'eval.json');
    const server = await startCodeServer(replyWith(`import os, subprocess
subprocess.Popen(["sh", "-c", "sleep 1; echo hacked > ${target}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time; time.sleep(1)
    try:
        open("${target}", "w").write("hacked")
    finally:
        os._exit(0)`));
    try {
      const r = await runCli(evalArgs(server.url, out), { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      const written = readFileSync(target, 'utf8');
      expect(JSON.parse(written).benchmarks.humaneval.score).toBe(1); // the payload's add() is correct
      await new Promise((resolve) => setTimeout(resolve, 2500)); // past the payload's 1 s delay, with margin
      expect(readFileSync(target, 'utf8')).toBe(written);
    } finally {
      await server.close();
    }
  });
});

describe('without bubblewrap', () => {
  it('refuses to run model-written code unless --unsafe-no-sandbox, before sending a request', async () => {
    // A PATH holding only python3: no bwrap to find.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(pythonExecutable(), join(bin, 'python3'));
    const server = await startCodeServer(replyWith('pass'));
    try {
      const refused = await runCli(evalArgs(server.url, join(root, 'out-nobwrap')), { env: { PATH: bin } });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/bubblewrap \(bwrap\) is not installed.*--unsafe-no-sandbox/);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(server.requests()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('with --unsafe-no-sandbox: warns loudly, still passes correct code, and Ctrl-C kills the process group and removes the temp folder', async () => {
    const tag = `3603.${process.pid}4`;
    const server = await startCodeServer(replyWith('pass'));
    try {
      const ok = await runCli([...evalArgs(server.url, join(root, 'out-unsafe')), '--unsafe-no-sandbox', '--quiet'], { timeoutMs: 60_000 });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toMatch(/^WARNING: --unsafe-no-sandbox: model-written programs run WITHOUT a sandbox/);
      expect(JSON.parse(readFileSync(join(root, 'out-unsafe', 'eval.json'), 'utf8')).benchmarks.humaneval.score).toBe(1);
    } finally {
      await server.close();
    }
    const r = await interruptMidProgram(['--unsafe-no-sandbox'], tag);
    // In its own session, the second sleep left the process group: only the sandbox could have caught it (documented).
    for (const pid of r.leftInSession) process.kill(pid, 'SIGKILL');
    expect(r.code).toBe(130);
    expect(r.leftInGroup).toEqual([]);
    expect(r.leftTemp).toEqual([]);
  });
});

describe('a library caller without signal handlers', () => {
  it('on SIGINT, still dies by SIGINT, after killing the program\'s process group and removing its folder', async () => {
    const tag = `3606.${process.pid}8`;
    const tmp = join(root, 'tmp-library');
    mkdirSync(tmp, { mode: 0o1777 });
    chmodSync(tmp, 0o1777);
    chmodSync(root, 0o755);
    const sandbox = new URL('../../dist/eval/sandbox.js', import.meta.url).href;
    const script = `import(${JSON.stringify(sandbox)}).then((m) => m.runPython('import subprocess, time\\nsubprocess.Popen(["sleep", "${tag}"])\\ntime.sleep(60)\\n', true, { timeoutMs: 60000, memoryMb: 512, unsafeNoSandbox: true }))`;
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const sleeper = `sleep\0${tag}`; // not the node process, whose command line holds the tag too
    expect(await waitFor(() => processesWith(sleeper).length >= 1, 30_000)).toBe(true);
    expect(readdirSync(tmp)).toHaveLength(1); // the program's folder, while it runs
    child.kill('SIGINT');
    expect(await closed).toBe('SIGINT');
    expect(await waitFor(() => processesWith(sleeper).length === 0, 3000)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
