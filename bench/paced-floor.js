// The floor client for paced streams: node:net keep-alive, chunked framing, split SSE, JSON.parse; clock first on every read.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Sends `requests` requests over `concurrency` keep-alive connections (closed loop) and returns, per response,
 * TTFT (send to first content event) and the gaps between content events, in ms: the same definitions as llmperf's.
 * `skipFirstPerConnection`: the first response on each connection (which includes the TCP connect) is a warm-up, not recorded.
 * `ttftWave[i]` is the wave of `ttftMs[i]`: in a closed loop the k-th response on a connection belongs to wave k. Like
 * llmperf's, the floor's clock starts when the request is written to a connected socket.
 */
export function runPacedFloor({ url, body, concurrency, requests, skipFirstPerConnection = false, timeoutMs = 120_000 }) {
  const { hostname: host, port } = new URL(url);
  const payload = Buffer.from(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}:${port}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`,
  );
  const ttftMs = [];
  const ttftWave = [];
  const itlMs = [];
  let sent = 0;
  let errors = 0;
  return new Promise((resolve) => {
    let open = Math.min(concurrency, requests);
    const hardStop = setTimeout(() => resolve({ ttftMs, ttftWave, itlMs, errors, timedOut: true }), timeoutMs);
    const closed = () => {
      if (--open === 0) {
        clearTimeout(hardStop);
        resolve({ ttftMs, ttftWave, itlMs, errors });
      }
    };
    for (let i = 0; i < open; i++) connection();

    function connection() {
      const socket = connect({ host, port: Number(port), noDelay: true });
      let responses = 0, decoder, head, carry = null, inBody, chunked, need, state, crlfLeft = 0, text, sendMs, lastMs, done = false;
      const finish = () => {
        if (done) return;
        done = true;
        socket.destroy();
        closed();
      };
      const send = () => {
        if (sent >= requests) return finish();
        sent++;
        decoder = new StringDecoder('utf8');
        head = null;
        inBody = false;
        text = '';
        lastMs = NaN;
        sendMs = performance.now();
        socket.write(payload);
      };
      const onEvents = (nowMs) => {
        let start = 0;
        for (let sep = text.indexOf('\n\n'); sep >= 0; sep = text.indexOf('\n\n', start)) {
          const event = text.slice(start, sep);
          start = sep + 2;
          if (!event.startsWith('data: ')) continue;
          const data = event.slice(6);
          if (data === '[DONE]') continue;
          const content = JSON.parse(data).choices?.[0]?.delta?.content;
          if (typeof content !== 'string' || content.length === 0) continue;
          if (!(skipFirstPerConnection && responses === 0)) {
            if (Number.isNaN(lastMs)) {
              ttftMs.push(nowMs - sendMs);
              ttftWave.push(responses);
            }
            else itlMs.push(nowMs - lastMs);
          }
          lastMs = nowMs;
        }
        text = text.slice(start);
      };
      socket.on('connect', send);
      socket.on('error', () => {
        errors++;
        finish();
      });
      socket.on('close', finish);
      socket.on('data', (chunk) => {
        const nowMs = performance.now(); // clock first
        let buf = chunk;
        if (!inBody) {
          buf = head === null ? chunk : Buffer.concat([head, chunk]);
          const end = buf.indexOf(HEAD_END);
          if (end < 0) {
            head = buf;
            return;
          }
          const headers = buf.toString('latin1', 0, end).toLowerCase();
          if (!headers.startsWith('http/1.1 200')) {
            errors++;
            return finish();
          }
          inBody = true;
          chunked = headers.includes('transfer-encoding: chunked');
          need = chunked ? -1 : Number(/content-length:\s*(\d+)/.exec(headers)?.[1] ?? 0);
          state = 'size';
          buf = buf.subarray(end + 4);
        }
        let complete = false;
        if (!chunked) {
          text += decoder.write(buf);
          need -= buf.length;
          complete = need <= 0;
        } else {
          // Chunked framing: "<hex size>\r\n<data>\r\n" ... "0\r\n\r\n".
          if (carry !== null) {
            buf = Buffer.concat([carry, buf]);
            carry = null;
          }
          let at = 0;
          while (at < buf.length && !complete) {
            if (state === 'size') {
              const eol = buf.indexOf('\r\n', at);
              if (eol < 0) {
                carry = buf.subarray(at); // a size line split across reads
                break;
              }
              need = parseInt(buf.toString('latin1', at, eol), 16);
              at = eol + 2;
              state = need === 0 ? 'trailer' : 'data';
            } else if (state === 'data') {
              const take = Math.min(need, buf.length - at);
              text += decoder.write(buf.subarray(at, at + take));
              at += take;
              need -= take;
              if (need === 0) {
                state = 'crlf';
                crlfLeft = 2;
              }
            } else if (state === 'crlf') {
              const skip = Math.min(crlfLeft, buf.length - at);
              at += skip;
              crlfLeft -= skip;
              if (crlfLeft === 0) state = 'size';
            } else {
              complete = true;
            }
          }
        }
        onEvents(nowMs);
        if (complete) {
          responses++;
          send();
        }
      });
    }
  });
}
