// Checks the open-file limit before a run: a clear message instead of EMFILE noise when too many streams are asked for.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

export interface FileLimit {
  soft: number;
  hard: number;
}

/** Descriptors besides sockets: stdio, the event loop, files the run writes, worker threads. */
const HEADROOM = 128;

const parseLimit = (text: string | undefined): number => (text === undefined || text === 'unlimited' ? Infinity : Number(text));

/**
 * This process's RLIMIT_NOFILE. Node raises its soft limit to the hard limit when it starts, so what is
 * read here is usually the hard limit already. There is no API for it: Linux shows it in
 * /proc/self/limits; elsewhere a child shell inherits it and `ulimit -n` prints it. null when neither works.
 */
export function openFileLimit(): FileLimit | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const fields = line?.trim().split(/\s+/);
    if (fields && fields.length >= 5) return { soft: parseLimit(fields[3]), hard: parseLimit(fields[4]) };
  } catch {
    // not Linux: ask a shell
  }
  if (process.platform === 'win32') return null;
  const out = spawnSync('/bin/sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8', timeout: 2000 });
  const [soft, hard] = (out.stdout ?? '').trim().split('\n');
  if (out.status !== 0 || soft === undefined || hard === undefined) return null;
  return { soft: parseLimit(soft), hard: parseLimit(hard) };
}

/** Descriptors a run needs: one socket per stream, twice that when the built-in simulator shares the process. */
export function descriptorsNeeded(concurrency: number, simulatorInProcess: boolean): number {
  return concurrency * (simulatorInProcess ? 2 : 1) + HEADROOM;
}

/**
 * The most streams this process can hold open at once: the default cap of an open loop when the user sets
 * none, so `--rate` alone never asks for more sockets than the limit allows (at most `ceiling`).
 */
export function streamsAllowed(simulatorInProcess: boolean, ceiling: number, limit: FileLimit | null = openFileLimit()): number {
  if (limit === null || !Number.isFinite(limit.soft)) return ceiling;
  const perStream = simulatorInProcess ? 2 : 1;
  return Math.max(1, Math.min(ceiling, Math.floor((limit.soft - HEADROOM) / perStream)));
}

/**
 * Throws a UsageError (exit 2) naming the command to run when the limit is too low for `concurrency` streams.
 * A process cannot raise its own limit from JavaScript, so the user raises it in the shell that starts llmperf.
 */
export function checkFileLimit(concurrency: number, simulatorInProcess: boolean, limit: FileLimit | null = openFileLimit()): void {
  if (limit === null) return;
  const needed = descriptorsNeeded(concurrency, simulatorInProcess);
  if (limit.soft >= needed) return;
  const who = simulatorInProcess ? ` (the built-in simulator in this process needs one more per stream)` : '';
  const raise =
    limit.hard >= needed
      ? `raise it in this shell with "ulimit -n ${needed}" (the hard limit is ${limit.hard}) and run again`
      : `the hard limit is ${limit.hard}: raise it as root (limits.conf, or LimitNOFILE in a systemd unit), then "ulimit -n ${needed}"`;
  throw new UsageError(
    `--concurrency ${concurrency} needs about ${needed} open files${who}, but this process may open ${limit.soft}; ${raise}`,
  );
}
