// Runs model-written Python in a child process: own temp folder, time limit, memory limit, no inherited secrets.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export interface SandboxOptions {
  /** Wall-clock limit per program; the whole process group is killed when it passes. */
  timeoutMs: number;
  /** Address-space limit (RLIMIT_AS) in MiB. */
  memoryMb: number;
  python?: string;
}

export interface SandboxResult {
  status: 'passed' | 'failed' | 'timeout';
  exitCode: number | null;
  /** The last lines of stderr, for the review file. */
  stderrTail: string;
  durationMs: number;
}

export const CODE_EXECUTION_REFUSAL =
  'humaneval runs model-written Python on this machine; it is refused unless you pass --allow-code-execution ' +
  '(each program then runs in its own subprocess with a time and memory limit, a temporary folder and no secrets in its environment)';

/**
 * A prelude that sets the memory limit from inside Python (resource.setrlimit, the same limit `ulimit -v`
 * sets, without needing a shell) and disables core dumps, before any model-written line runs.
 */
function prelude(memoryMb: number): string {
  const bytes = memoryMb * 1024 * 1024;
  return [
    'import resource as _r, sys as _s',
    `try:\n    _r.setrlimit(_r.RLIMIT_AS, (${bytes}, ${bytes}))\nexcept Exception:\n    pass`,
    'try:\n    _r.setrlimit(_r.RLIMIT_CORE, (0, 0))\nexcept Exception:\n    pass',
    'del _r, _s',
    '',
  ].join('\n');
}

/**
 * The Python interpreter's absolute path, looked up on OUR PATH (the program's own environment is stripped,
 * so a pyenv or venv python3 would not be found from it). A missing interpreter is a usage error, not a
 * wall of failed programs.
 */
export function findPython(name = 'python3'): string {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new UsageError(`humaneval needs ${name} to run the generated programs, and it is not on PATH`);
}

const resolved = new Map<string, string>();

/**
 * The real interpreter behind a launcher (pyenv and asdf shims are scripts that need the user's environment
 * and add half a second per program): asks it once for `sys.executable`, with our environment.
 */
export function pythonExecutable(name = 'python3'): string {
  const known = resolved.get(name);
  if (known) return known;
  const launcher = findPython(name);
  let real = launcher;
  try {
    const out = execFileSync(launcher, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 30_000 }).trim();
    if (out.startsWith('/')) real = out;
  } catch {
    // keep the launcher: running it still works, only slower
  }
  resolved.set(name, real);
  return real;
}

/** The environment a program sees: nothing from ours but a PATH and a UTF-8 locale (no API keys, no tokens). */
export function sandboxEnv(workDir: string, pythonDir = '/usr/bin'): NodeJS.ProcessEnv {
  return { PATH: `${pythonDir}${delimiter}/usr/local/bin${delimiter}/usr/bin${delimiter}/bin`, LANG: 'C.UTF-8', HOME: workDir, TMPDIR: workDir, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' };
}

/** Runs one program. Refuses (UsageError) unless `allowCodeExecution` is true. */
export async function runPython(program: string, allowCodeExecution: boolean, options: SandboxOptions): Promise<SandboxResult> {
  if (!allowCodeExecution) throw new UsageError(CODE_EXECUTION_REFUSAL);
  const python = pythonExecutable(options.python);
  const workDir = mkdtempSync(join(tmpdir(), 'llmperf-sandbox-'));
  const file = join(workDir, 'program.py');
  writeFileSync(file, prelude(options.memoryMb) + program);
  const started = performance.now();
  try {
    return await new Promise<SandboxResult>((resolve) => {
      // -I: isolated mode (ignores PYTHON* variables and the user's site-packages); detached: own process group.
      const child = spawn(python, ['-I', file], { cwd: workDir, env: sandboxEnv(workDir, dirname(python)), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let timedOut = false;
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, options.timeoutMs);
      const finish = (exitCode: number | null): void => {
        clearTimeout(timer);
        const status = timedOut ? 'timeout' : exitCode === 0 ? 'passed' : 'failed';
        resolve({ status, exitCode, stderrTail: stderr.split('\n').slice(-6).join('\n').trim(), durationMs: performance.now() - started });
      };
      child.on('error', (error) => {
        stderr += String(error.message);
        finish(null);
      });
      child.on('close', (code) => finish(code));
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
