// Worker-thread entry: runs one share of a load test with the ordinary engine and sends back encoded results.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeHistogram } from '../../metrics/histogram.js';
import type { RequestRecord } from '../../metrics/schema.js';
import { LoadRun } from '../run.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

const RECORD_BATCH = 512;
const RECORD_FLUSH_MS = 100;
const PROGRESS_MS = 250;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  const post = (message: FromWorker) => port.postMessage(message);
  let batch: RequestRecord[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: 'records', records: batch });
    batch = [];
  };
  const run = new LoadRun(
    { ...init.config, share: init.share },
    init.wantRecords
      ? {
          onRecord: (record) => {
            batch.push(record);
            if (batch.length >= RECORD_BATCH) flush();
          },
        }
      : {},
  );
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') run.stop(message.graceMs, message.interrupted);
    else if (message.type === 'cancel') run.cancelAll();
    else if (message.type === 'start') void start();
  });
  const start = async () => {
    const flushTimer = setInterval(flush, RECORD_FLUSH_MS);
    const progressTimer = setInterval(() => post({ type: 'progress', totals: run.recorder.counts, inFlight: run.recorder.currentInFlight, streamedOutputTokens: run.recorder.streamedOutputTokens }), PROGRESS_MS);
    try {
      const outcome = await run.run();
      flush();
      const lag = outcome.scheduleLagUs;
      post({
        type: 'done',
        outcome: {
          totals: outcome.totals,
          histograms: outcome.histograms,
          timeseries: outcome.timeseries,
          interrupted: outcome.interrupted,
          scheduleLag: lag && lag.totalCount > 0 ? encodeHistogram(lag) : null,
          eventLoopDelayMs: outcome.eventLoopDelayMs,
          eventLoopUtilization: outcome.eventLoopUtilization,
          ...(outcome.arrivals ? { arrivals: outcome.arrivals } : {}),
        },
      });
    } catch (error) {
      post({ type: 'error', message: (error as Error).stack ?? String(error) });
    } finally {
      clearInterval(flushTimer);
      clearInterval(progressTimer);
      port.close();
    }
  };
  post({ type: 'ready' });
}

void main();
