// The resource limits and the environment every model-written program gets, sandboxed or not.
import { delimiter } from 'node:path';

export interface ProgramLimits {
  /** Address space (RLIMIT_AS), MiB: a 4 GB allocation fails with MemoryError. */
  memoryMb: number;
  /** CPU seconds (RLIMIT_CPU): a busy loop is killed by the kernel even if our timer were late. */
  cpuSeconds: number;
  /** Largest file the program may write (RLIMIT_FSIZE), MiB. */
  fileMb: number;
  /** Processes and threads (RLIMIT_NPROC); null leaves it alone (it would count all of the user's processes). */
  processes: number | null;
  /** Open files (RLIMIT_NOFILE). */
  openFiles: number;
}

/**
 * A prelude that sets the limits from inside Python (resource.setrlimit: the same limits `ulimit` and
 * `prlimit` set, without needing either) before any model-written line runs. Soft and hard limits are
 * both lowered, and lowering a hard limit cannot be undone without CAP_SYS_RESOURCE, which the program
 * does not have. A limit that cannot be set stops the program: it must never run unbounded.
 */
export function limitsPrelude(limits: ProgramLimits): string {
  const mib = 1024 * 1024;
  const set: Array<[string, number]> = [
    ['RLIMIT_AS', limits.memoryMb * mib],
    ['RLIMIT_CORE', 0],
    ['RLIMIT_CPU', limits.cpuSeconds],
    ['RLIMIT_FSIZE', limits.fileMb * mib],
    ['RLIMIT_NOFILE', limits.openFiles],
  ];
  if (limits.processes !== null) set.push(['RLIMIT_NPROC', limits.processes]);
  // Never above a hard limit already lower (a container's): raising it would fail and stop every program.
  return [
    'import resource as _r',
    'def _cap(kind, value):',
    '    hard = _r.getrlimit(kind)[1]',
    '    value = value if hard == _r.RLIM_INFINITY else min(value, hard)',
    '    _r.setrlimit(kind, (value, value))',
    ...set.map(([name, value]) => `_cap(_r.${name}, ${value})`),
    'del _r, _cap',
    '',
  ].join('\n');
}

/** The environment a program sees: nothing from ours but a PATH and a UTF-8 locale (no API keys, no tokens); one BLAS thread, since threads count against the process limit. */
export function sandboxEnv(workDir: string, pythonDir = '/usr/bin'): Record<string, string> {
  return { PATH: `${pythonDir}${delimiter}/usr/local/bin${delimiter}/usr/bin${delimiter}/bin`, LANG: 'C.UTF-8', HOME: workDir, TMPDIR: workDir, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
}
