// A minimal undici dispatch loop: what undici's per-request path costs when nothing else is done (SSE split + JSON.parse per event, as the floor).
import { StringDecoder } from 'node:string_decoder';
import { Agent, Client } from 'undici';
import { splitSseEvents } from './sse-split.js';

/**
 * `concurrency` requests in flight through undici's raw dispatch API until `durationMs` passes. `pool`: 'agent' sends
 * through an Agent (one Pool per origin, `concurrency` connections: what llmperf used before), 'clients' through one
 * undici Client per connection, each request re-dispatched on the connection that just finished (no pool scan).
 */
export function runUndici({ host, port, path, body, concurrency, durationMs, pool = 'agent', timeoutMs = 60_000 }) {
  const origin = `http://${host}:${port}`;
  const headers = ['content-type', 'application/json'];
  const deadline = performance.now() + durationMs;
  const totals = { responses: 0, events: 0, errors: 0 };
  const agent = pool === 'agent' ? new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 }) : null;
  return new Promise((resolve) => {
    let open = concurrency;
    const hardStop = setTimeout(() => finishAll(true), durationMs + timeoutMs);
    const clients = [];
    function finishAll(timedOut = false) {
      clearTimeout(hardStop);
      const closing = agent ? [agent.destroy()] : clients.map((c) => c.destroy());
      Promise.all(closing).catch(() => {}).then(() => resolve(timedOut ? { ...totals, timedOut } : totals));
    }
    const closed = () => {
      if (--open === 0) finishAll();
    };
    for (let i = 0; i < concurrency; i++) {
      const dispatcher = agent ?? new Client(origin, { pipelining: 1, keepAliveTimeout: 30_000 });
      if (!agent) clients.push(dispatcher);
      send(dispatcher);
    }

    function send(dispatcher) {
      if (performance.now() >= deadline) return closed();
      const decoder = new StringDecoder('utf8');
      let text = '';
      dispatcher.dispatch({ origin, path, method: 'POST', headers, body }, {
        onConnect() {},
        onHeaders(status) {
          if (status !== 200) totals.errors++;
          return true;
        },
        onData(chunk) {
          text = splitSseEvents(text + decoder.write(chunk), totals);
          return true;
        },
        onComplete() {
          totals.responses++;
          // After undici has freed the connection (as llmperf does), so the next request goes straight to a socket.
          setImmediate(send, dispatcher);
        },
        onError() {
          totals.errors++;
          closed();
        },
      });
    }
  });
}
