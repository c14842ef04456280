// What real servers send inside a 200 stream, replayed byte for byte: each ends as the right kind, with the server's words.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import type { LoadConfig } from '../../src/engine/run.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';
import { expectExactAccounting } from '../reliability/helpers.js';
import { chunk, startReplayServer, type Replay, type ReplayServer } from './fixtures/replay-server.js';

let server: ReplayServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const REQUESTS = 4;

async function replay(fixture: Replay, overrides: Partial<LoadConfig> = {}) {
  server = await startReplayServer(fixture);
  const records: RequestRecord[] = [];
  const outcome = await runLoad(testConfig(server.url, { requests: REQUESTS, concurrency: 2, ...overrides }), { onRecord: (record) => records.push(record) });
  expectExactAccounting(outcome.totals, REQUESTS);
  return { totals: outcome.totals, records, timeseries: outcome.timeseries };
}

/** Every request failed as `kind`, and the sample carries `message`. */
async function expectFailure(fixture: Replay, kind: string, message: string | RegExp, overrides: Partial<LoadConfig> = {}) {
  const { totals } = await replay(fixture, overrides);
  expect(totals.errors).toEqual({ [kind]: REQUESTS });
  expect(totals.succeeded).toBe(0);
  if (typeof message === 'string') expect(totals.error_samples[kind]).toContain(message);
  else expect(totals.error_samples[kind]).toMatch(message);
  return totals;
}

const DONE = 'data: [DONE]\n\n';

describe('server-reported errors inside a 200 stream', () => {
  it("llama.cpp's `error:` field line, then [DONE], is stream_error_event with the server's message", async () => {
    const body =
      chunk('Hel') +
      'error: {"code":500,"message":"Input prompt is too big compared to KV size. Please try increasing KV size.","type":"server_error"}\n\n' +
      DONE;
    await expectFailure({ body }, 'stream_error_event', 'Input prompt is too big compared to KV size.');
  });

  it('`event: error` followed by a JSON `data:` line is stream_error_event', async () => {
    const body = chunk('a') + 'event: error\ndata: {"error":{"message":"upstream overloaded","code":503}}\n\n' + DONE;
    await expectFailure({ body }, 'stream_error_event', 'upstream overloaded');
  });

  it('`event: error` with plain-text data keeps the text as the message', async () => {
    await expectFailure({ body: chunk('a') + 'event: error\ndata: model worker crashed\n\n' }, 'stream_error_event', 'model worker crashed');
  });

  it('an error nested one level shows its message, not [object Object]', async () => {
    const totals = await expectFailure({ body: chunk('a') + 'data: {"error":{"error":{"message":"nested boom","type":"upstream"}}}\n\n' + DONE }, 'stream_error_event', 'nested boom');
    expect(totals.error_samples.stream_error_event).not.toContain('[object Object]');
  });

  it('an error object without a message is shown as JSON', async () => {
    await expectFailure({ body: 'data: {"error":{"code":42}}\n\n' }, 'stream_error_event', '{"code":42}');
  });
});

describe('SSE fields that are not errors', () => {
  it('comments, id: and retry: lines are ignored; the stream succeeds', async () => {
    const body = ': keep-alive\n\nretry: 3000\nid: 1\n' + chunk('a') + ': ping\n\nid: 2\n' + chunk('b', 'stop') + 'retry: soon\n\n' + DONE;
    const { totals } = await replay({ body });
    expect(totals.succeeded).toBe(REQUESTS);
    expect(totals.packages).toBe(2 * REQUESTS);
  });

  it('"error": false and "error": "" in healthy chunks are not errors', async () => {
    const body =
      'data: {"error":false,"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n' +
      'data: {"error":"","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\n\n' +
      DONE;
    const { totals } = await replay({ body });
    expect(totals.errors).toEqual({});
    expect(totals.succeeded).toBe(REQUESTS);
  });
});

describe('payloads without a usable choice', () => {
  it('{"choices":[null]} is invalid_payload, not a cut stream', async () => {
    await expectFailure({ body: chunk('a') + 'data: {"choices":[null]}\n\n' + DONE }, 'invalid_payload', 'no usable choice');
  });

  it('"delta": null is invalid_payload', async () => {
    await expectFailure({ body: 'data: {"choices":[{"index":0,"delta":null,"finish_reason":null}]}\n\n' + DONE }, 'invalid_payload', 'delta is not an object');
  });
});

describe('what counts as success', () => {
  it('[DONE] with no content is empty_response; content without finish_reason or [DONE] is incomplete_stream', async () => {
    await expectFailure({ body: DONE }, 'empty_response', 'no content');
    await server?.close();
    await expectFailure({ body: chunk('a') + chunk('b') }, 'incomplete_stream', 'without finish_reason or [DONE]');
  });
});

describe('a server that never answers', () => {
  it('is headers_timeout (no headers within --timeout), as the README says', async () => {
    await expectFailure({ silent: true, body: '' }, 'headers_timeout', 'no response headers within 300 ms', { timeoutMs: 300 });
  });
});

describe('encoded streams', () => {
  const plain = chunk('Hello') + chunk(' world', 'stop') + DONE;

  it('a gzip stream, flushed per event, is decoded as it arrives', async () => {
    const { totals } = await replay({
      headers: { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' },
      body: (res) => {
        // The bytes of a compressing proxy: one gzip member, split across writes.
        const bytes = gzipSync(plain, { flush: constants.Z_SYNC_FLUSH });
        res.write(bytes.subarray(0, 20));
        setTimeout(() => res.end(bytes.subarray(20)), 20);
      },
    });
    expect(totals.succeeded).toBe(REQUESTS);
    expect(totals.packages).toBe(2 * REQUESTS);
  });

  it('a br stream is decoded', async () => {
    const { totals } = await replay({ headers: { 'content-type': 'text/event-stream', 'content-encoding': 'br' }, body: brotliCompressSync(plain) });
    expect(totals.succeeded).toBe(REQUESTS);
  });

  it('a gzip non-streaming body is decoded', async () => {
    const body = gzipSync(JSON.stringify({ id: 'cmpl-1', choices: [{ message: { content: 'hi there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2 } }));
    const { totals } = await replay({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body }, { stream: false });
    expect(totals.succeeded).toBe(REQUESTS);
    expect(totals.output_tokens).toBe(2 * REQUESTS);
  });

  it('a non-streaming 200 whose body reports an error is response_failed with the server\'s message, not a success or empty_response', async () => {
    const json = { 'content-type': 'application/json' };
    // vLLM's error object, and a gateway's OpenAI-style error envelope, each sent with status 200.
    await expectFailure({ headers: json, body: '{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","code":404}' }, 'response_failed', 'The model `x` does not exist.', { stream: false });
    await expectFailure({ headers: json, body: '{"error":{"message":"upstream timed out","type":"gateway_error"}}' }, 'response_failed', 'upstream timed out', { stream: false });
  });

  it('an encoding llmperf cannot decode is unsupported_encoding, naming it', async () => {
    await expectFailure({ headers: { 'content-type': 'text/event-stream', 'content-encoding': 'zstd' }, body: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]) }, 'unsupported_encoding', '"zstd"');
  });

  it('a corrupt gzip stream is invalid_payload', async () => {
    await expectFailure({ headers: { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') }, 'invalid_payload', 'does not decode');
  });
});

describe('--max-event-bytes', () => {
  it('a line that never ends fails as event_too_large once it passes the bound', async () => {
    const piece = 'x'.repeat(16 * 1024);
    await expectFailure(
      {
        body: (res) => {
          res.write('data: ');
          const timer = setInterval(() => res.write(piece), 1);
          res.on('close', () => clearInterval(timer));
        },
      },
      'event_too_large',
      'grew past 65536 bytes',
      { maxEventBytes: 65536 },
    );
  });

  it('many data: lines without the blank line that ends the event count as one event', async () => {
    const line = `data: ${'y'.repeat(1000)}\n`;
    await expectFailure({ body: line.repeat(100) }, 'event_too_large', 'grew past 32768 bytes', { maxEventBytes: 32768 });
  });

  it("the simulator's huge-chunk fault (one 4 MiB frame) is event_too_large at the default bound of 1 MiB", async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 10, faults: [{ kind: 'huge-chunk', rate: 1 }] });
    try {
      const outcome = await runLoad(testConfig(sim.url, { requests: REQUESTS, concurrency: 2 }));
      expectExactAccounting(outcome.totals, REQUESTS);
      expect(outcome.totals.errors).toEqual({ event_too_large: REQUESTS });
      expect(outcome.totals.error_samples.event_too_large).toContain('grew past 1048576 bytes');
    } finally {
      await sim.close();
    }
  });

  it('events under the bound pass', async () => {
    const { totals } = await replay({ body: chunk('z'.repeat(30_000), 'stop') + DONE }, { maxEventBytes: 32768 });
    expect(totals.succeeded).toBe(REQUESTS);
  });
});

describe("the server's request id", () => {
  it('is the x-request-id header when present', async () => {
    const { records } = await replay({ headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req-abc-123' }, body: chunk('a', 'stop') + DONE });
    expect(records.map((r) => r.request_id)).toEqual(Array(REQUESTS).fill('req-abc-123'));
  });

  it("else the response's id", async () => {
    const { records } = await replay({ body: chunk('a', 'stop') + DONE });
    expect(records.map((r) => r.request_id)).toEqual(Array(REQUESTS).fill('chatcmpl-7'));
  });
});
