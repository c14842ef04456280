// What a live exporter (Prometheus endpoint, OTLP push) receives: one sample per ended request, and progress on a timer.
import type { RequestRecord } from '../metrics/schema.js';
import type { LiveLabels } from './names.js';

export type Outcome = 'success' | 'error' | 'cancelled' | 'warmup';

/** One ended request, reduced to what the live metrics use (plain numbers; computed once for every sink). */
export interface RequestSample {
  outcome: Outcome;
  errorKind: string | null;
  /** Succeeded requests only (0 otherwise). */
  ttftMs: number;
  latencyMs: number;
  /** null when the request had fewer than 2 output tokens (TPOT undefined), as in the result. */
  tpotMs: number | null;
  /** null in a closed loop (no intended start). */
  queueMs: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Epoch ms of the send, for spans. */
  sendEpochMs: number;
  index: number;
  status: number;
}

export interface LiveSink {
  request(labels: LiveLabels, sample: RequestSample): void;
  progress(labels: LiveLabels, sentDelta: number, inFlight: number): void;
  close(): Promise<void>;
}

/** The same classification as the recorder's: warm-up first, then cancelled, failed, succeeded. */
export function toSample(record: RequestRecord, warmupRequests: number, firstSendEpochMs: number): RequestSample {
  const outcome: Outcome = record.index < warmupRequests ? 'warmup' : record.error === 'cancelled' ? 'cancelled' : record.ok ? 'success' : 'error';
  const ttftMs = record.ttft_ms ?? 0;
  const latencyMs = record.latency_ms ?? 0;
  return {
    outcome,
    errorKind: outcome === 'error' ? record.error : null,
    ttftMs,
    latencyMs,
    tpotMs: record.output_tokens > 1 ? (latencyMs - ttftMs) / (record.output_tokens - 1) : null,
    queueMs: record.intended_ms === null ? null : record.queue_ms,
    inputTokens: record.input_tokens,
    outputTokens: record.output_tokens,
    sendEpochMs: firstSendEpochMs + record.start_ms,
    index: record.index,
    status: record.status,
  };
}

/** Waits for `work` at most `limitMs`: an unreachable collector may not delay the end of a run beyond that. */
export async function atMost(work: Promise<unknown>, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
    timer.unref();
  });
  await Promise.race([work.catch(() => {}), limit]);
  clearTimeout(timer);
}

/** The longest the last OTLP push (metrics and spans, in parallel) may hold up the end of a run. */
export const OTLP_CLOSE_LIMIT_MS = 5_000;
