// startMockInWorker: the simulator in its own worker thread, so it never shares the client's event loop.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { resolveMockOptions, type MockConfig, type MockOptions } from './options.js';
import type { SendTimeRecord } from './send-times.js';
import type { MockServer } from './server.js';
import type { MockStats } from './stats.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/**
 * The worker must be JavaScript at runtime. From dist/ it sits next to this file; when this module runs
 * from TypeScript sources (vitest), use the compiled copy in dist/ (`npm test` builds first).
 */
export function workerScriptUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here);
  const compiled = new URL('../../dist/mock/worker.js', here);
  if (!existsSync(fileURLToPath(compiled))) {
    throw new Error(`simulator worker not built: ${fileURLToPath(compiled)} is missing; run "npm run build" first`);
  }
  return compiled;
}

export async function startMockInWorker(options: Partial<MockOptions> = {}): Promise<MockServer> {
  // Validate here too, so bad options fail in the caller's thread with the caller's error class.
  resolveMockOptions(options);
  const worker = new Worker(workerScriptUrl(), { workerData: options });
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  let exited = false;

  const ready = await new Promise<Extract<WorkerReply, { type: 'ready' }>>((resolve, reject) => {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') resolve(msg);
      else if (msg.type === 'error') reject(msg.name === 'UsageError' ? new UsageError(msg.message) : new Error(msg.message));
      else if (msg.type === 'reply') {
        pending.get(msg.id)?.(msg.value);
        pending.delete(msg.id);
      }
    });
    // Kept for the worker's whole life: an 'error' event with no listener would crash the caller.
    worker.on('error', (err) => {
      exited = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      exited = true;
      for (const done of pending.values()) done(null);
      pending.clear();
      reject(new Error(`simulator worker exited (code ${code}) before it was ready`));
    });
  });

  const call = (type: WorkerRequest['type']): Promise<unknown> => {
    if (exited) return Promise.reject(new Error('simulator worker has exited'));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ type, id } satisfies WorkerRequest);
    });
  };

  let closing: Promise<void> | null = null;
  return {
    url: ready.url,
    port: ready.port,
    config: ready.config as MockConfig,
    stats: async () => (await call('stats')) as MockStats,
    resetStats: async () => {
      await call('reset');
    },
    sendTimes: async () => (await call('sendTimes')) as { records: SendTimeRecord[]; dropped: number },
    close() {
      closing ??= (async () => {
        if (!exited) await call('close');
        // The worker ends by itself once its port closes; terminate covers a stuck one.
        if (!exited) await worker.terminate();
      })();
      return closing;
    },
  };
}
