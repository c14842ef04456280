// Builds the bubblewrap command line for one program, and checks once that bubblewrap can make namespaces here.
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { runChild } from './child.js';
import { findOnPath, type PythonInstall } from './python.js';

/** The unprivileged identity programs run as (nobody/nogroup), inside the sandbox and, when we are root, outside it too. */
export const NOBODY = 65534;
/** Where the program file appears inside the sandbox (copied in through a descriptor: no host file). */
export const PROGRAM_PATH = '/sandbox/program.py';

/** bwrap's own spawn identity: as root we start it as nobody, so the kernel counts the program's processes (RLIMIT_NPROC never applies to uid 0). */
export function spawnIdentity(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
}

/** The environment bwrap itself gets: minimal too, since a program can read /proc/1/environ (bwrap's) inside. */
export const BWRAP_ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

const SYSTEM_PYTHON = '/usr/bin/python3';

/** Top-level system folders: merged-/usr systems make them symlinks, older ones real folders. */
const SYSTEM_DIRS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The few files the dynamic loader and Python read from /etc; nothing else of /etc is visible. */
const ETC_FILES = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives', '/etc/localtime'];

function systemDirArgs(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  return args;
}

/** The interpreter's folders outside /usr (pyenv, a venv), outermost first, without ones nested in another. */
function pythonDirs(install: PythonInstall): string[] {
  const outside = install.prefixes.filter((p) => p !== '/usr' && !p.startsWith('/usr/')).sort((a, b) => a.length - b.length);
  return outside.filter((p, i) => !outside.slice(0, i).some((q) => p.startsWith(`${q}/`)));
}

/**
 * The sandbox: new user, PID, network, IPC, UTS and cgroup namespaces (`--unshare-all`, with the user
 * namespace required rather than tried); a root that is read-only and holds only /usr, the loader's files
 * in /etc, the interpreter's folders, a fresh /proc of its own PID namespace, a minimal /dev, a private
 * size-capped /tmp, and the program. It runs as nobody in a new session, with only `env`, and dies with us.
 */
export function bwrapCommand(install: PythonInstall, env: Record<string, string>, tmpMb: number): string[] {
  const binds = pythonDirs(install).flatMap((dir) => ['--ro-bind', dir, dir]);
  return [
    '--unshare-all', '--unshare-user', '--die-with-parent', '--new-session',
    '--uid', String(NOBODY), '--gid', String(NOBODY), '--hostname', 'sandbox',
    '--ro-bind', '/usr', '/usr', ...systemDirArgs(), ...binds,
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(tmpMb * 1024 * 1024), '--perms', '1777', '--tmpfs', '/tmp',
    '--dir', '/sandbox', '--perms', '0444', '--ro-bind-data', '3', PROGRAM_PATH,
    '--remount-ro', '/dev', '--remount-ro', '/',
    '--chdir', '/tmp', '--clearenv', ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--', install.executable, '-I', PROGRAM_PATH,
  ];
}

/** Whether uid nobody may walk down to `path` (every folder on the way searchable by others). */
export function nobodyCanReach(path: string): boolean {
  let dir = path;
  while (dir !== '/') {
    dir = dirname(dir);
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The interpreter the sandbox runs. As root, bwrap runs as nobody, which cannot bind a private folder
 * (pyenv under /root): then the system's /usr/bin/python3 serves, which HumanEval's standard-library
 * programs run on alike. Null with a reason when neither is usable.
 */
export function sandboxPython(install: PythonInstall): { install: PythonInstall; note: string | null } | { install: null; note: string } {
  if (process.getuid?.() !== 0) return { install, note: null };
  const needed = [install.executable, ...pythonDirs(install)];
  const blocked = needed.find((p) => !nobodyCanReach(p));
  if (blocked === undefined) return { install, note: null };
  if (existsSync(SYSTEM_PYTHON)) {
    return { install: { executable: SYSTEM_PYTHON, prefixes: ['/usr'] }, note: `running as root, programs run as nobody, which cannot reach ${blocked}: they run on ${SYSTEM_PYTHON} instead` };
  }
  return { install: null, note: `running as root, programs run as nobody, which cannot reach ${blocked}, and there is no ${SYSTEM_PYTHON}; install python3 under /usr, make the folders above it searchable (chmod o+x), or run llmperf as a normal user` };
}

let probed: Promise<{ path: string | null; problem: string | null }> | null = null;

/**
 * Finds bwrap and runs the real sandbox once with a two-line program; a null problem means it works.
 * A bwrap that cannot create a user namespace (a kernel or AppArmor restriction) fails here with its
 * own message, which we pass on with the settings that usually cause it.
 */
export function probeBwrap(install: PythonInstall, env: Record<string, string>): Promise<{ path: string | null; problem: string | null }> {
  probed ??= probe(install, env);
  return probed;
}

async function probe(install: PythonInstall, env: Record<string, string>): Promise<{ path: string | null; problem: string | null }> {
  const path = findOnPath('bwrap');
  if (path === null) return { path: null, problem: 'bubblewrap (bwrap) is not installed; install it (Debian/Ubuntu: apt-get install bubblewrap, Fedora: dnf install bubblewrap)' };
  const r = await runChild({ command: path, args: bwrapCommand(install, env, 1), env: BWRAP_ENV, cwd: '/', ...spawnIdentity(), fd3Data: `import os, sys\nsys.exit(0 if os.getuid() == ${NOBODY} else 7)\n`, timeoutMs: 30_000 });
  if (r.exitCode === 0) return { path, problem: null };
  const why = r.spawnError ?? (r.stderrTail.split('\n').pop() || (r.timedOut ? 'no answer within 30 s' : `exit ${r.exitCode ?? r.signal}`));
  return { path, problem: `${path} cannot create its sandbox here (${why}); user namespaces may be disabled: check sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns` };
}
