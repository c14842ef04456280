// Runs model-written Python: under bubblewrap (namespaces, read-only view, limits), or only if asked, unsandboxed as nobody.
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { BWRAP_ENV, NOBODY, bwrapCommand, nobodyCanReach, probeBwrap, sandboxPython, spawnIdentity } from './sandbox/bwrap.js';
import { runChild, type ChildResult } from './sandbox/child.js';
import { limitsPrelude, sandboxEnv, type ProgramLimits } from './sandbox/limits.js';
import { pythonInstall, type PythonInstall } from './sandbox/python.js';

export { findPython, pythonExecutable } from './sandbox/python.js';
export { sandboxEnv } from './sandbox/limits.js';
export { liveChildren } from './sandbox/child.js';

export interface SandboxOptions {
  /** Wall-clock limit per program; the whole sandbox (or process group) is killed when it passes. */
  timeoutMs: number;
  /** Address-space limit (RLIMIT_AS) in MiB. */
  memoryMb: number;
  python?: string;
  /** Run without bubblewrap (--unsafe-no-sandbox): only limits, a process group and, as root, the nobody user. */
  unsafeNoSandbox?: boolean;
}

export interface SandboxResult {
  status: 'passed' | 'failed' | 'timeout';
  exitCode: number | null;
  /** The last lines of stderr, for the review file. */
  stderrTail: string;
  durationMs: number;
}

/** How programs will run: inside bubblewrap, or (only with --unsafe-no-sandbox) without it. */
export type SandboxMode =
  /** `note`: said once before programs run (e.g. which interpreter serves when ours is out of nobody's reach). */
  | { kind: 'bwrap'; bwrap: string; install: PythonInstall; note: string | null }
  | { kind: 'unsafe'; install: PythonInstall; unprotected: string; note: string | null };

export const CODE_EXECUTION_REFUSAL =
  'humaneval runs model-written Python on this machine; it is refused unless you pass --allow-code-execution ' +
  '(each program then runs under bubblewrap: no network, no view of your files or processes, its own /tmp, and time, CPU, memory, file-size and process limits)';

/** Per-program limits beyond the caller's time and memory limits. */
const FILE_MB = 16;
const TMP_MB = 64;
const PROCESSES = 16;
const OPEN_FILES = 256;

/** What a program can still do without the sandbox, said plainly (printed before any program runs). */
function unprotected(): string {
  const asRoot = process.getuid?.() === 0;
  const who = asRoot
    ? `as uid ${NOBODY} (nobody): it can read every world-readable file (your source tree, datasets) and write wherever nobody may, such as /tmp`
    : 'as YOU: it can read and write all your files (SSH keys, cloud credentials, this eval\'s output) and read this process\'s environment and command line through /proc, API keys included';
  return `--unsafe-no-sandbox: model-written programs run WITHOUT a sandbox, ${who}; they can use the network (loopback services included), ` +
    'and a process that starts its own session (setsid) survives the eval. Only the time, CPU, memory and file-size limits and the kill of the process group protect you.';
}

const modes = new Map<string, Promise<SandboxMode>>();

/**
 * Decides once how programs run. bubblewrap must work here unless `unsafeNoSandbox`; without it (or when it
 * cannot create namespaces) this is a usage error saying how to fix it, raised before any request is sent.
 */
export function prepareSandbox(options: Pick<SandboxOptions, 'python' | 'unsafeNoSandbox'>): Promise<SandboxMode> {
  const key = `${options.python ?? 'python3'}:${options.unsafeNoSandbox === true}`;
  let mode = modes.get(key);
  if (!mode) {
    mode = decide(options);
    modes.set(key, mode);
    mode.catch(() => modes.delete(key));
  }
  return mode;
}

async function decide(options: Pick<SandboxOptions, 'python' | 'unsafeNoSandbox'>): Promise<SandboxMode> {
  const refuse = (why: string): never => {
    throw new UsageError(`cannot run model-written code safely: ${why}; or pass --unsafe-no-sandbox to run it without a sandbox (read what that leaves open in docs/eval.md)`);
  };
  // As root, programs run as nobody with or without the sandbox: the interpreter must be within nobody's reach.
  const { install, note } = sandboxPython(pythonInstall(options.python));
  if (install === null) {
    if (options.unsafeNoSandbox === true) throw new UsageError(`cannot run model-written code: ${note}`);
    return refuse(note);
  }
  if (options.unsafeNoSandbox === true) return { kind: 'unsafe', install, unprotected: unprotected(), note };
  const { path, problem } = await probeBwrap(install, sandboxEnv('/tmp', dirname(install.executable)));
  if (problem !== null || path === null) return refuse(problem ?? 'bubblewrap not found');
  return { kind: 'bwrap', bwrap: path, install, note };
}

/** Runs one program. Refuses (UsageError) unless `allowCodeExecution` is true and a sandbox works (or unsafe is asked for). */
export async function runPython(program: string, allowCodeExecution: boolean, options: SandboxOptions): Promise<SandboxResult> {
  if (!allowCodeExecution) throw new UsageError(CODE_EXECUTION_REFUSAL);
  const mode = await prepareSandbox(options);
  const install = mode.install;
  const asRoot = process.getuid?.() === 0;
  const limits: ProgramLimits = {
    memoryMb: options.memoryMb,
    cpuSeconds: Math.ceil(options.timeoutMs / 1000) + 1,
    fileMb: FILE_MB,
    // Counted per real user: in the sandbox that is its own user namespace; unsandboxed, only nobody's count is ours to cap.
    processes: mode.kind === 'bwrap' || asRoot ? PROCESSES : null,
    openFiles: OPEN_FILES,
  };
  const text = limitsPrelude(limits) + program;
  const started = performance.now();
  let r: ChildResult;
  if (mode.kind === 'bwrap') {
    const args = bwrapCommand(install, sandboxEnv('/tmp', dirname(install.executable)), TMP_MB);
    r = await runChild({ command: mode.bwrap, args, env: BWRAP_ENV, cwd: '/', ...spawnIdentity(), fd3Data: text, timeoutMs: options.timeoutMs });
  } else {
    // As root the program runs as nobody, which must reach its folder: a private TMPDIR gives way to /tmp.
    const base = asRoot && !nobodyCanReach(join(tmpdir(), 'program')) ? '/tmp' : tmpdir();
    const workDir = mkdtempSync(join(base, 'llmperf-sandbox-'));
    const file = join(workDir, 'program.py');
    writeFileSync(file, text, { mode: 0o644 });
    if (asRoot) chownSync(workDir, NOBODY, NOBODY);
    r = await runChild({
      command: install.executable, args: ['-I', file], env: sandboxEnv(workDir, dirname(install.executable)), cwd: workDir,
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}), timeoutMs: options.timeoutMs,
      cleanup: () => rmSync(workDir, { recursive: true, force: true }),
    });
  }
  const status = r.timedOut ? 'timeout' : r.exitCode === 0 && r.spawnError === null ? 'passed' : 'failed';
  const stderrTail = r.spawnError ? `${r.stderrTail}\n${r.spawnError}`.trim() : r.stderrTail;
  return { status, exitCode: r.exitCode, stderrTail, durationMs: performance.now() - started };
}
