// The simulator's own record of when it wrote each event, so a client's timing can be checked against the truth.
import { performance } from 'node:perf_hooks';

/** One response's send times, in epoch milliseconds with sub-millisecond precision. */
export interface SendTimeRecord {
  /** The response id (chatcmpl-..., cmpl-...) every chunk carries. */
  id: string;
  /** The request's `x-request-id` header, when it sent one. */
  requestId: string | null;
  arrivalEpochMs: number;
  /** When the response headers were written (streams) or the body was written (non-streamed). */
  headersEpochMs: number | null;
  /** When each token event was written (the role chunk shares the first token's write). */
  tokenEpochMs: number[];
  endEpochMs: number | null;
}

/** Keeps records for at most this many responses and this many events in total. */
const MAX_RECORDS = 20_000;
const MAX_EVENTS = 2_000_000;

/** Epoch ms from the monotonic clock: comparable across threads of one machine to well under a ms. */
export function epochMs(perfNowMs: number = performance.now()): number {
  return performance.timeOrigin + perfNowMs;
}

export class SendTimes {
  private records: SendTimeRecord[] = [];
  private events = 0;
  /** Records dropped because the bounds were reached. */
  dropped = 0;

  /** A new response; returns null (record nothing) once full. */
  start(id: string, requestId: string | null, arrivalPerfMs: number): SendTimeRecord | null {
    if (this.records.length >= MAX_RECORDS || this.events >= MAX_EVENTS) {
      this.dropped++;
      return null;
    }
    const r: SendTimeRecord = { id, requestId, arrivalEpochMs: epochMs(arrivalPerfMs), headersEpochMs: null, tokenEpochMs: [], endEpochMs: null };
    this.records.push(r);
    return r;
  }

  token(r: SendTimeRecord, perfNowMs: number): void {
    if (this.events >= MAX_EVENTS) return;
    this.events++;
    r.tokenEpochMs.push(epochMs(perfNowMs));
  }

  snapshot(): { records: SendTimeRecord[]; dropped: number } {
    return { records: this.records.map((r) => ({ ...r, tokenEpochMs: [...r.tokenEpochMs] })), dropped: this.dropped };
  }

  reset(): void {
    this.records = [];
    this.events = 0;
    this.dropped = 0;
  }
}
