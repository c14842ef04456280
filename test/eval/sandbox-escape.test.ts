// Hostile but harmless programs under bubblewrap: each tries one escape, and must report it BLOCKED; nothing may outlive it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildren, runPython, type SandboxResult } from '../../src/eval/sandbox.js';
import { noBwrap, processesWith, waitFor } from './sandbox-helpers.js';

/** Each payload exits 0 only if its escape worked, else prints BLOCKED and exits 1: the program provably ran. */
const verdict = (escaped: string, why: string) => `\nif ${escaped}:\n    sys.exit(0)\nprint("BLOCKED", ${why}, file=sys.stderr)\nsys.exit(1)\n`;
const limits = { timeoutMs: 10_000, memoryMb: 1024 };

function expectBlocked(r: SandboxResult): void {
  expect(r.stderrTail).toContain('BLOCKED');
  expect(r.status).toBe('failed');
}

describe.skipIf(noBwrap !== null)(`model-written code stays in its sandbox${noBwrap ? ` (skipped: ${noBwrap})` : ''}`, () => {
  const outside = mkdtempSync(join(tmpdir(), 'llmperf-escape-test-'));
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('cannot read a canary from our environment, our /proc environ or our command line', async () => {
    process.env.LLMPERF_CANARY = 'canary-7f3a9c';
    try {
      const r = await runPython(`import os, sys, glob
seen = []
if any("canary-7f3a9c" in v for v in os.environ.values()): seen.append("env")
for path in [f"/proc/{os.getppid()}/environ", f"/proc/{os.getppid()}/cmdline"] + glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline"):
    try:
        data = open(path, "rb").read()
    except OSError:
        continue
    if b"canary-7f3a9c" in data or b"vitest" in data: seen.append(path)
${verdict('seen', '"saw nothing", len(glob.glob("/proc/[0-9]*")), "processes visible"')}`, true, limits);
      expectBlocked(r);
      expect(r.stderrTail).toMatch(/saw nothing [1-3] processes visible/); // its own PID namespace: bwrap's init, itself, maybe glob
    } finally {
      delete process.env.LLMPERF_CANARY;
    }
  });

  it('cannot write a marker outside its /tmp, nor read /etc/shadow or our source tree', async () => {
    const marker = join(outside, 'marker');
    const source = join(process.cwd(), 'package.json');
    const r = await runPython(`import os, sys
done = []
for path in [${JSON.stringify(marker)}, "/marker", "/usr/marker", "/etc/marker", "/sandbox/marker", "/dev/shm/marker"]:
    try:
        open(path, "w").write("x"); done.append("wrote " + path)
    except OSError:
        pass
for path in ["/etc/shadow", "/etc/passwd", ${JSON.stringify(source)}, ${JSON.stringify(join(homedir(), '.bashrc'))}]:
    try:
        open(path).read(); done.append("read " + path)
    except OSError:
        pass
open("/tmp/scratch", "w").write("its own /tmp is writable")
${verdict('done', 'done, open("/tmp/scratch").read()')}`, true, limits);
    expectBlocked(r);
    expect(r.stderrTail).toContain('its own /tmp is writable');
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot connect to a loopback port we listen on', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await runPython(`import socket, sys
ok = False
try:
    socket.create_connection(("127.0.0.1", ${port}), timeout=2).close(); ok = True
except OSError as e:
    why = str(e)
${verdict('ok', 'why')}`, true, limits);
      expectBlocked(r);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('leaves no background process behind, in its group or in a new session', async () => {
    const tag = `3600.${process.pid}1`;
    const r = await runPython(`import os, subprocess, sys
subprocess.Popen(["sleep", "${tag}"])
subprocess.Popen(["setsid", "sleep", "${tag}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "${tag}"])
    os._exit(0)
print("BLOCKED? only once the sandbox is gone", file=sys.stderr)
sys.exit(1)
`, true, limits);
    expect(r.status).toBe('failed');
    // The namespace dies with the program: nothing carrying the tag may be left (checked from the host's /proc).
    expect(await waitFor(() => processesWith(tag).length === 0, 2000)).toBe(true);
    expect(liveChildren()).toBe(0);
  });

  it('cannot fork 200 children', async () => {
    const r = await runPython(`import os, sys, time
n = 0
try:
    for i in range(200):
        if os.fork() == 0:
            time.sleep(30); os._exit(0)
        n += 1
except OSError as e:
    why = f"{n} forks then {e}"
${verdict('n == 200', 'why')}`, true, limits);
    expectBlocked(r);
    expect(r.stderrTail).toMatch(/\d+ forks then .*Resource temporarily unavailable/);
  });

  it('cannot allocate 4 GB', async () => {
    const r = await runPython(`import sys
try:
    x = bytearray(4 * 1024 ** 3); ok = True
except MemoryError:
    ok = False
${verdict('ok', '"MemoryError"')}`, true, limits);
    expectBlocked(r);
  });

  it('cannot hold the eval past the time limit through a grandchild keeping stderr open', async () => {
    const tag = `3601.${process.pid}2`;
    // The reference: the same sandbox running a trivial program, measured now on this (possibly busy) machine.
    const t0 = performance.now();
    await runPython('pass\n', true, limits);
    const baseMs = performance.now() - t0;
    const timeoutMs = 1500;
    // The main program ends at once; its grandchildren keep stderr open for a minute.
    const t1 = performance.now();
    const ended = await runPython(`import os, subprocess, sys
subprocess.Popen(["sleep", "${tag}"])
subprocess.Popen(["sleep", "${tag}"], start_new_session=True)
`, true, { timeoutMs, memoryMb: 512 });
    const endedMs = performance.now() - t1;
    expect(ended.status).toBe('passed');
    expect(endedMs).toBeLessThan(timeoutMs + baseMs * 3);
    // The main program never ends either: the time limit ends everything.
    const t2 = performance.now();
    const hung = await runPython(`import subprocess, time
subprocess.Popen(["sleep", "${tag}"], start_new_session=True)
time.sleep(60)
`, true, { timeoutMs, memoryMb: 512 });
    const hungMs = performance.now() - t2;
    expect(hung.status).toBe('timeout');
    expect(hungMs).toBeLessThan(timeoutMs + baseMs * 3 + 1000);
    expect(await waitFor(() => processesWith(tag).length === 0, 2000)).toBe(true);
  });

  it('still passes correct code and fails wrong code', async () => {
    expect((await runPython('def add(a, b):\n    return a + b\n\nassert add(2, 3) == 5\n', true, limits)).status).toBe('passed');
    expect((await runPython('def add(a, b):\n    return a - b\n\nassert add(2, 3) == 5\n', true, limits)).status).toBe('failed');
  });
});

describe.skipIf(noBwrap !== null)('the sandbox leaves nothing on the host', () => {
  let before: string[];
  beforeAll(() => {
    before = listTmp();
  });
  it('keeps no program file or folder in the host temp folder', async () => {
    await runPython('open("/tmp/x", "w").write("y")\n', true, limits);
    expect(listTmp().filter((f) => f.startsWith('llmperf-sandbox-') && !before.includes(f))).toEqual([]);
  });
});

function listTmp(): string[] {
  return readdirSync(tmpdir());
}
