// Test helpers: a raw HTTP/SSE client that timestamps every chunk, so tests see what a client would see.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as text. */
  text: string;
  /** SSE `data:` payloads in order, each with the time (ms since the request was sent) its bytes arrived. */
  events: { tMs: number; data: string }[];
  /** Time (ms since send) the response ended. */
  endMs: number;
  /** Local port of the socket used, to tell connections apart. */
  localPort: number;
  /** True when the server closed the socket after the response. */
  socketClosed: Promise<boolean>;
}

/** POSTs a JSON body (or a raw string) and collects the response with per-chunk timestamps. */
export function post(baseUrl: string, path: string, body: unknown, agent?: Agent): Promise<RawResponse> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return send(baseUrl, path, 'POST', payload, agent);
}

export function get(baseUrl: string, path: string, agent?: Agent): Promise<RawResponse> {
  return send(baseUrl, path, 'GET', undefined, agent);
}

function send(baseUrl: string, path: string, method: string, payload: string | undefined, agent?: Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(new URL(path, baseUrl), {
      method,
      agent: agent ?? false,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const socket = res.socket;
      const localPort = socket.localPort ?? 0;
      const socketClosed = new Promise<boolean>((done) => {
        if (socket.destroyed) return done(true);
        const timer = setTimeout(() => done(false), 300);
        socket.once('close', () => {
          clearTimeout(timer);
          done(true);
        });
      });
      const events: { tMs: number; data: string }[] = [];
      let text = '';
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const tMs = performance.now() - t0;
        text += chunk;
        pending += chunk;
        let idx: number;
        while ((idx = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, idx);
          pending = pending.slice(idx + 2);
          for (const line of frame.split('\n')) if (line.startsWith('data: ')) events.push({ tMs, data: line.slice(6) });
        }
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, events, endMs: performance.now() - t0, localPort, socketClosed }),
      );
      res.on('error', reject);
    });
    req.end(payload);
  });
}

/** Parsed JSON of every event except the final [DONE]. */
export function chunks(r: RawResponse): any[] {
  return r.events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
}

/** Arrival times (ms) of the events that carry content tokens. */
export function contentTimes(r: RawResponse): number[] {
  return r.events
    .filter((e) => e.data !== '[DONE]')
    .filter((e) => {
      const c = JSON.parse(e.data).choices?.[0];
      return Boolean(c?.delta?.content || c?.text);
    })
    .map((e) => e.tMs);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
