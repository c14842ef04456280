// WorkerRun: a load test split over N worker threads, driven like a LoadRun and giving one merged outcome.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RequestRecord } from '../../metrics/schema.js';
import { emptyTotals, type RunTotals } from '../../metrics/summary.js';
import type { LoadConfig, RunOutcome } from '../run.js';
import { mergeOutcomes, mergeTotals } from './merge.js';
import type { FromWorker, ToWorker, WireOutcome, WorkerInit } from './protocol.js';
import { concurrencyShare } from './share.js';

/** The worker is JavaScript at runtime: next to this file in dist/, or dist's copy when running from sources (vitest). */
export function engineWorkerUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here);
  const compiled = new URL('../../../dist/engine/workers/worker.js', here);
  if (!existsSync(fileURLToPath(compiled))) throw new Error(`engine worker not built: ${fileURLToPath(compiled)} is missing; run "npm run build" first`);
  return compiled;
}

/** What the progress line reads: summed counters of every worker, as of their last report (every 250 ms). */
export interface ProgressSource {
  readonly counts: Readonly<RunTotals>;
  readonly currentInFlight: number;
  readonly streamedOutputTokens: number;
}

export interface WorkerRunHooks {
  /** Every finished request's record, batched from the workers (the request state stays in its thread). */
  onRecord?: (record: RequestRecord) => void;
}

export class WorkerRun {
  readonly recorder: ProgressSource;
  private readonly workers: Worker[] = [];
  private readonly latest: Array<{ totals: RunTotals; inFlight: number; streamedOutputTokens: number } | null>;
  private readonly count: number;

  constructor(
    private readonly config: LoadConfig,
    workers: number,
    private readonly hooks: WorkerRunHooks = {},
  ) {
    this.count = Math.max(1, Math.min(workers, config.concurrency));
    this.latest = new Array(this.count).fill(null);
    const latest = this.latest;
    const expected = config.requests;
    const concurrency = config.concurrency;
    this.recorder = {
      get counts() {
        const parts = latest.filter((p) => p !== null).map((p) => p.totals);
        return parts.length > 0 ? mergeTotals(parts, expected, concurrency) : emptyTotals(expected, concurrency);
      },
      get currentInFlight() {
        return latest.reduce((sum, p) => sum + (p?.inFlight ?? 0), 0);
      },
      get streamedOutputTokens() {
        return latest.reduce((sum, p) => sum + (p?.streamedOutputTokens ?? 0), 0);
      },
    };
  }

  get inFlightCount(): number {
    return this.recorder.currentInFlight;
  }

  /** Starts every worker, releases them together once all are ready, and merges what they send back. */
  async run(): Promise<RunOutcome> {
    const { countTokens: _dropped, ...plain } = this.config;
    const outcomes: Array<Promise<WireOutcome>> = [];
    const ready: Array<Promise<void>> = [];
    for (let k = 0; k < this.count; k++) {
      const init: WorkerInit = {
        config: { ...plain, concurrency: concurrencyShare(this.config.concurrency, this.count, k) },
        share: { offset: k, step: this.count },
        wantRecords: this.hooks.onRecord !== undefined,
      };
      const worker = new Worker(engineWorkerUrl(), { workerData: init });
      this.workers.push(worker);
      let markReady: () => void = () => {};
      ready.push(new Promise<void>((resolve) => (markReady = resolve)));
      outcomes.push(
        new Promise<WireOutcome>((resolve, reject) => {
          worker.on('message', (message: FromWorker) => {
            if (message.type === 'ready') markReady();
            else if (message.type === 'records') for (const record of message.records) this.hooks.onRecord?.(record);
            else if (message.type === 'progress') this.latest[k] = { totals: message.totals, inFlight: message.inFlight, streamedOutputTokens: message.streamedOutputTokens };
            else if (message.type === 'done') resolve(message.outcome);
            else if (message.type === 'error') reject(new Error(`engine worker ${k}: ${message.message}`));
          });
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`engine worker ${k} exited (code ${code}) before it finished`)));
        }),
      );
    }
    try {
      await Promise.race([Promise.all(ready), Promise.all(outcomes)]);
      this.broadcast({ type: 'start' });
      const parts = await Promise.all(outcomes);
      return mergeOutcomes(parts, this.config.requests, this.config.concurrency);
    } finally {
      await Promise.all(this.workers.map((worker) => worker.terminate()));
    }
  }

  /** Stops sending in every worker; in-flight requests may finish within `graceMs`. */
  stop(graceMs: number, interrupted = true): void {
    this.broadcast({ type: 'stop', graceMs, interrupted });
  }

  cancelAll(): void {
    this.broadcast({ type: 'cancel' });
  }

  private broadcast(message: ToWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }
}

