// Output folders: created one level at a time, never silently reused for another run's results, and run ids.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The files that say a folder already holds a run's (or a sweep's, a search's) results. */
export const RESULT_FILES = ['result.json', 'requests.csv', 'requests.jsonl', 'sweep.json', 'capacity.json'] as const;

/**
 * A run's id: when it started (UTC, to the second) and 8 random hex digits, e.g. `20261202-041500-9f86d081`.
 * Written into result.json and every row of requests.csv, so `report` can tell a pair that belongs together.
 */
export function newRunId(startedAt = new Date()): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir loops forever at 100% CPU
 * where a parent exists but refuses children with ENOENT (`/proc/x`); one level at a time fails at once.
 * Throws a one-line UsageError naming `flag`.
 */
export function makeOutDir(dir: string, flag = '--out'): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (let depth = 0; depth < 4096 && !existsSync(at); depth++) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    if (existsSync(at) && !statSync(at).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    for (const level of missing) {
      try {
        mkdirSync(level);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`${flag} ${dir}: cannot write there (${code}); choose a folder you can write to`);
  }
}

/**
 * The results file `dir` already holds (or, with `deep`, one of its subfolders holds: a sweep's stages),
 * or null when writing there loses nothing.
 */
export function heldResults(dir: string, deep = false): string | null {
  if (!existsSync(dir)) return null;
  let entries: import('node:fs').Dirent[];
  try {
    if (!statSync(dir).isDirectory()) return null;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const name of RESULT_FILES) if (entries.some((entry) => entry.isFile() && entry.name === name)) return join(dir, name);
  if (deep) {
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const inner = heldResults(join(dir, entry.name));
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** Refuses (one line, exit 2, naming --overwrite) to write into a folder holding another run's results. */
export function refuseReuse(dir: string, overwrite: boolean, deep = false, flag = '--out'): void {
  if (overwrite) return;
  const held = heldResults(dir, deep);
  if (held !== null) {
    throw new UsageError(`${flag} ${dir}: already holds results (${held}); pass --overwrite to replace them, or choose another folder`);
  }
}

/** `base`, or `base-2`, `base-3`... the first that holds no results: default folders never overwrite. */
export function freshOutDir(base: string): string {
  if (heldResults(base) === null) return base;
  for (let n = 2; n < 10_000; n++) if (heldResults(`${base}-${n}`) === null) return `${base}-${n}`;
  return `${base}-${randomBytes(4).toString('hex')}`;
}
