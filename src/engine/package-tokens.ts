// --tokenizer: tokens per package counted at request end by tokenizing the streamed text, never on the per-chunk path.
import { performance } from 'node:perf_hooks';
import type { PackageGapSink } from './request-state.js';

/** Packages tracked per request at most; a longer stream is left out of tokens per package (counted in `skipped`). */
export const MAX_TRACKED_PACKAGES = 16_384;

/**
 * One request's stream as the tokenizer needs it: the text pieces (references to strings the decoder made anyway),
 * where each package ended in the joined text, and when it arrived. Per chunk: a few array pushes, no string building.
 */
export class PackageTrace {
  readonly pieces: string[] = [];
  /** Cumulative UTF-16 length of the streamed text after each package. */
  readonly endChars: number[] = [];
  readonly atMs: number[] = [];
  private chars = 0;
  overflow = false;

  /** Hot path: one package (its reasoning and/or answer text) at `nowMs`. */
  add(nowMs: number, reasoning: string | null | undefined, content: string | null | undefined): void {
    if (this.atMs.length >= MAX_TRACKED_PACKAGES) {
      this.overflow = true;
      return;
    }
    if (typeof reasoning === 'string' && reasoning.length > 0) {
      this.pieces.push(reasoning);
      this.chars += reasoning.length;
    }
    if (typeof content === 'string' && content.length > 0) {
      this.pieces.push(content);
      this.chars += content.length;
    }
    this.endChars.push(this.chars);
    this.atMs.push(nowMs);
  }
}

/**
 * Tokens per package from token end offsets: a token belongs to the package in which its last character arrived
 * (a token whose text straddles two packages counts for the later one). `tokenEnds` are offsets in the text as the
 * tokenizer decodes it; when that differs in length from the streamed text (normalisers), they are scaled onto it.
 */
export function tokensPerPackage(endChars: readonly number[], tokenEnds: readonly number[]): number[] {
  const counts = new Array<number>(endChars.length).fill(0);
  if (endChars.length === 0) return counts;
  const textChars = endChars[endChars.length - 1]!;
  const decodedChars = tokenEnds.length > 0 ? tokenEnds[tokenEnds.length - 1]! : 0;
  const scale = decodedChars > 0 && decodedChars !== textChars ? textChars / decodedChars : 1;
  let p = 0;
  for (const end of tokenEnds) {
    const at = end * scale;
    while (p < endChars.length - 1 && endChars[p]! < at - 1e-9) p++;
    counts[p]!++;
  }
  return counts;
}

/**
 * The tokenizer's share of the engine thread's time at most: past it, requests are left out (a time-based, so
 * content-blind, sample) rather than letting the count slow the measurement. The first TOKENIZE_FREE_MS are free.
 */
export const TOKENIZE_CPU_SHARE = 0.1;
const TOKENIZE_FREE_MS = 100;

/** Counts a finished request's packages and records them like --continuous-usage does (packages with no whole token are skipped). */
export class PackageTokenCounter {
  private spentMs = 0;
  private readonly startMs: number;

  /** `now` is the clock the budget is kept on (tests pass their own). */
  constructor(
    private readonly tokenEnds: (text: string) => number[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startMs = now();
  }

  /** False when the request was left out: over the CPU share, a stream past MAX_TRACKED_PACKAGES, or text the tokenizer failed on. */
  record(trace: PackageTrace, sink: PackageGapSink): boolean {
    if (trace.atMs.length === 0 || sink.recordPackageTokens === undefined) return true;
    const startMs = this.now();
    if (trace.overflow || this.spentMs > TOKENIZE_FREE_MS + TOKENIZE_CPU_SHARE * (startMs - this.startMs)) return false;
    let counts: number[];
    try {
      counts = tokensPerPackage(trace.endChars, this.tokenEnds(trace.pieces.join('')));
    } catch {
      // A tokenizer that fails on some text costs that request's counts, never the run (this runs as a request ends).
      return false;
    } finally {
      this.spentMs += this.now() - startMs;
    }
    for (let i = 0; i < counts.length; i++) {
      if (counts[i]! <= 0) continue;
      sink.recordPackageTokens(counts[i]!, i === 0 ? NaN : (trace.atMs[i]! - trace.atMs[i - 1]!) * 1000);
    }
    return true;
  }
}
