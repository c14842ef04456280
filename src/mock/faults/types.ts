// The fault interface: each kind is a small object with hooks the completion handler calls.
import type { ServerResponse } from 'node:http';

export const FAULT_KINDS = [
  'reset',
  '429',
  '500',
  '503',
  'html200',
  'malformed-sse',
  'bad-json',
  'stall',
  'slow-headers',
  'no-headers',
  'huge-chunk',
  'no-done',
  'no-usage',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault and the share of requests (0..1) it hits. */
export interface FaultSpec {
  kind: FaultKind;
  rate: number;
}

/** What a fault sees of the request it hits. */
export interface FaultEnv {
  res: ServerResponse;
  streaming: boolean;
  /** Seeded per request, for faults with variants. */
  rand: () => number;
  slowHeadersMs: number;
}

/** What to do instead of a normal write: other bytes, a connection reset, or silence forever. */
export type FaultWrite = string | Buffer | 'reset' | 'stall';

/** Hooks are optional; a kind implements the ones it needs. */
export interface Fault {
  kind: FaultKind;
  /** One line for --help and the docs. */
  summary: string;
  /** Before the model runs: answer (or hang) now. Returns true when the fault owns the whole response. */
  takeOver?(env: FaultEnv): boolean;
  /** Holds everything back, headers included, this many ms. */
  delayMs?(env: FaultEnv): number;
  /** Streamed token `index` of `total`: the bytes to write instead of `frame`, or reset/stall. */
  onToken?(index: number, total: number, frame: string, env: FaultEnv): FaultWrite;
  /** Streamed end: the bytes to write given the normal finish, usage ('' when not asked) and [DONE] frames. */
  onEnd?(finish: string, usage: string, done: string): string;
  /** Non-streamed: the body to send instead of `json`, or reset/stall. */
  onBody?(json: string, env: FaultEnv): FaultWrite;
}

/** The token where mid-stream faults strike: halfway, so some tokens arrive first. */
export function midpoint(total: number): number {
  return Math.floor(total / 2);
}
