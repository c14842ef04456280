// Worker-thread entry: runs the simulator off the client's event loop and answers control messages.
import { parentPort, workerData } from 'node:worker_threads';
import { startMockServer, type MockServer } from './server.js';

/** Control messages from the parent thread. */
export type WorkerRequest = { type: 'stats' | 'reset' | 'close' | 'sendTimes'; id: number };
/** Replies to the parent thread. */
export type WorkerReply =
  | { type: 'ready'; url: string; port: number; config: unknown }
  | { type: 'error'; name: string; message: string }
  | { type: 'reply'; id: number; value: unknown };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let server: MockServer;
  try {
    server = await startMockServer(workerData as object);
  } catch (err) {
    const e = err as Error;
    port.postMessage({ type: 'error', name: e.name, message: e.message } satisfies WorkerReply);
    return;
  }
  port.postMessage({ type: 'ready', url: server.url, port: server.port, config: server.config } satisfies WorkerReply);
  port.on('message', (msg: WorkerRequest) => {
    void (async () => {
      let value: unknown = null;
      if (msg.type === 'stats') value = await server.stats();
      else if (msg.type === 'reset') await server.resetStats();
      else if (msg.type === 'sendTimes') value = await server.sendTimes();
      else if (msg.type === 'close') await server.close();
      port.postMessage({ type: 'reply', id: msg.id, value } satisfies WorkerReply);
      // Closing the port lets the thread exit once the server is gone.
      if (msg.type === 'close') port.close();
    })();
  });
}

void main();
