// Finds the Python interpreter and the folders it needs, so the sandbox can show it those and nothing else.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UsageError } from '../../errors.js';

/** The interpreter as the sandbox runs it: the real binary and the installation folders it reads. */
export interface PythonInstall {
  /** The real interpreter (not a pyenv/asdf shim, which needs the user's environment). */
  executable: string;
  /** sys.prefix and sys.base_prefix (a venv has both): the standard library and site-packages live there. */
  prefixes: string[];
}

/** A command's absolute path on OUR PATH (the program's own environment is stripped, so it could not find a pyenv or venv python3), or null. */
export function findOnPath(name: string): string | null {
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
  return null;
}

/** The Python interpreter's path; a missing interpreter is a usage error, not a wall of failed programs. */
export function findPython(name = 'python3'): string {
  const path = findOnPath(name);
  if (path === null) throw new UsageError(`humaneval needs ${name} to run the generated programs, and it is not on PATH`);
  return path;
}

const known = new Map<string, PythonInstall>();

/** Asks the interpreter once (with our environment, so shims work) where it really lives. */
export function pythonInstall(name = 'python3'): PythonInstall {
  const hit = known.get(name);
  if (hit) return hit;
  const launcher = findPython(name);
  let install: PythonInstall = { executable: launcher, prefixes: [] };
  try {
    const out = execFileSync(launcher, ['-c', 'import json, sys; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))'], { encoding: 'utf8', timeout: 30_000 });
    const [executable, prefix, basePrefix] = JSON.parse(out.trim()) as string[];
    if (executable?.startsWith('/')) install = { executable, prefixes: [...new Set([prefix!, basePrefix!])].filter((p) => p?.startsWith('/')) };
  } catch {
    // keep the launcher: running it still works outside a sandbox, only slower
  }
  known.set(name, install);
  return install;
}

/** The real interpreter behind a launcher (kept for callers that only need the path). */
export function pythonExecutable(name = 'python3'): string {
  return pythonInstall(name).executable;
}
