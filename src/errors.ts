// Error classes with stable codes, and the process exit codes that are part of the product surface.

/** Exit codes: scripts and CI depend on these numbers. */
export const EXIT_OK = 0;
/** A threshold, SLO or `compare --fail-on` condition was crossed. */
export const EXIT_THRESHOLD = 1;
/** Bad input: a flag value, a file, a URL. */
export const EXIT_USAGE = 2;
/** The run could not be carried out (server unreachable before the start, internal fault). */
export const EXIT_RUNTIME = 3;
/** An eval scored no item of some benchmark (every request failed, e.g. HTTP 401): no score to report. */
export const EXIT_NO_SCORES = 4;
/** The run was interrupted (SIGINT/SIGTERM); the partial result was still written. */
export const EXIT_INTERRUPTED = 130;

/**
 * Bad input from the user. The message is one line: what is wrong, where, how to fix it.
 * The CLI prints it without a stack trace (unless --debug) and exits 2.
 */
export class UsageError extends Error {
  readonly code = 'LLMPERF_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The target cannot be used at all (unreachable before the run, no models listed). Exit 3. */
export class TargetError extends Error {
  readonly code = 'LLMPERF_TARGET';
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}
