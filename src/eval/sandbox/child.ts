// Spawns one sandboxed program and makes sure nothing it started outlives it: on normal end, timeout, or our own exit.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ChildSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Run as this user and group (an unprivileged identity when we are root). */
  uid?: number;
  gid?: number;
  /** Written to the child's fd 3 then closed (bwrap --ro-bind-data 3 reads the program from there). */
  fd3Data?: string;
  timeoutMs: number;
  /** Removes what the run left on disk; called once, also when we exit mid-run. */
  cleanup?: () => void;
}

export interface ChildResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderrTail: string;
  /** The child could not be started at all (bad path, permission). */
  spawnError: string | null;
}

/**
 * How long to wait for stderr to close once the program has ended or been killed. A grandchild that
 * inherited the pipe must not hold the eval (it is killed with the namespace, or outside a sandbox
 * with the process group; a process that escaped the group is cut off here).
 */
const CLOSE_GRACE_MS = 300;

interface LiveChild {
  pid: number;
  /** Reaped: its pid may be reused, so only its process group (kept alive by any member) is signalled. */
  exited: boolean;
  cleanup: () => void;
}
const live = new Set<LiveChild>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** SIGKILL to the child's process group (spawned detached, so it leads one) and to the child itself. */
function killTree(child: LiveChild): void {
  for (const target of child.exited ? [-child.pid] : [-child.pid, child.pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function killAll(): void {
  for (const child of live) killTree(child);
  for (const child of live) child.cleanup();
  live.clear();
}

/**
 * A signal nobody else handles would end us without the 'exit' hook (a library caller): kill the programs,
 * restore the default action and re-raise it, so the process still ends as it would have. When someone
 * else handles it, that is their call: the CLI's handlers call process.exit, which runs the 'exit' hook.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) !== 1) return;
  killAll();
  unhook();
  process.kill(process.pid, signal);
}

function hook(): void {
  if (live.size > 0) return;
  process.on('exit', killAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unhook(): void {
  process.off('exit', killAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Runs the child to its end or its time limit; never rejects. */
export function runChild(spec: ChildSpec): Promise<ChildResult> {
  const cleanup = onceOnly(spec.cleanup ?? (() => {}));
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', spec.fd3Data === undefined ? 'ignore' : 'pipe'];
  return new Promise<ChildResult>((resolve) => {
    let child;
    try {
      // detached: its own process group (killed as one) and no share in the terminal's Ctrl-C.
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio, uid: spec.uid, gid: spec.gid });
    } catch (error) {
      cleanup();
      resolve({ exitCode: null, signal: null, timedOut: false, stderrTail: '', spawnError: (error as Error).message });
      return;
    }
    let stderr = '';
    let timedOut = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let spawnError: string | null = null;
    let grace: NodeJS.Timeout | null = null;
    let done = false;
    const entry: LiveChild | null = child.pid === undefined ? null : { pid: child.pid, exited: false, cleanup };
    if (entry) {
      hook();
      live.add(entry);
    }
    const errStream = child.stdio[2] as Readable;
    errStream.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    errStream.on('error', () => {});
    const input = child.stdio[3] as Writable | null;
    if (input && spec.fd3Data !== undefined) {
      input.on('error', () => {}); // the child may fail before reading it: its exit says why
      input.end(spec.fd3Data);
    }
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      if (entry) {
        killTree(entry);
        live.delete(entry);
        if (live.size === 0) unhook();
      }
      errStream.destroy();
      cleanup();
      resolve({ exitCode, signal: exitSignal, timedOut, stderrTail: stderr.split('\n').slice(-6).join('\n').trim(), spawnError });
    };
    const startGrace = (): void => {
      if (grace === null && !done) grace = setTimeout(finish, CLOSE_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (entry) killTree(entry);
      startGrace();
    }, spec.timeoutMs);
    child.on('error', (error) => {
      spawnError = error.message;
      startGrace();
    });
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // The program ended: whatever it left in its group goes now, not at the time limit.
      if (entry) {
        entry.exited = true;
        killTree(entry);
      }
      startGrace();
    });
    child.on('close', finish);
  });
}

function onceOnly(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    try {
      fn();
    } catch {
      // best effort: a temp folder we cannot remove is not worth failing the eval for
    }
  };
}

/** Programs running right now (for tests: nothing may be left after an eval). */
export function liveChildren(): number {
  return live.size;
}
