// The floor: the least work any correct client must do per event in Node (node:net keep-alive, split SSE, JSON.parse each event).
import { connect } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { splitSseEvents } from './sse-split.js';

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Runs `concurrency` keep-alive connections, each sending `body` to `path` and reading the streamed answer,
 * until `durationMs` passes (then in-flight responses finish). Returns counts; `events` counts every SSE event parsed.
 */
export function runFloor({ host, port, path, body, concurrency, durationMs, timeoutMs = 60_000 }) {
  const request = Buffer.from(
    `POST ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`,
    'latin1',
  );
  const deadline = performance.now() + durationMs;
  const totals = { responses: 0, events: 0, errors: 0 };
  return new Promise((resolve) => {
    let open = concurrency;
    const hardStop = setTimeout(() => resolve({ ...totals, timedOut: true }), durationMs + timeoutMs);
    const closed = () => {
      if (--open === 0) {
        clearTimeout(hardStop);
        resolve(totals);
      }
    };
    for (let i = 0; i < concurrency; i++) startConnection();

    function startConnection() {
      const socket = connect({ host, port, noDelay: true });
      const decoder = new StringDecoder('utf8');
      let head = null; // pending header bytes
      let inBody = false;
      let remaining = 0;
      let text = '';
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        socket.destroy();
        closed();
      };
      const send = () => {
        if (performance.now() >= deadline) return finish();
        inBody = false;
        head = null;
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('error', () => {
        totals.errors++;
        finish();
      });
      socket.on('close', finish);
      socket.on('data', (chunk) => {
        if (!inBody) {
          const buf = head === null ? chunk : Buffer.concat([head, chunk]);
          const end = buf.indexOf(HEAD_END);
          if (end < 0) {
            head = buf;
            return;
          }
          const headers = buf.toString('latin1', 0, end);
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
          if (!headers.startsWith('HTTP/1.1 200') || length === null) {
            totals.errors++;
            return finish();
          }
          inBody = true;
          remaining = Number(length[1]);
          chunk = buf.subarray(end + 4);
        }
        remaining -= chunk.length;
        text = splitSseEvents(text + decoder.write(chunk), totals);
        if (remaining <= 0) {
          totals.responses++;
          send();
        }
      });
    }
  });
}
