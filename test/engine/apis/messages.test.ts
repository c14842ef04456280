// --api messages: Anthropic's Messages events map onto packages, reasoning, usage and errors, from fixture bytes and the simulator.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messagesApi } from '../../../src/engine/apis/index.js';
import { buildBody } from '../../../src/engine/request-body.js';
import { runLoad } from '../../../src/engine/run.js';
import { RequestState, SseDecoder } from '../../../src/engine/stream.js';
import type { RequestRecord } from '../../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { fromMessages } from '../../../src/workload/prompts.js';
import { testConfig } from '../../helpers/config.js';
import { startReplayServer, type ReplayServer } from '../fixtures/replay-server.js';

const ev = (type: string, payload: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
const delta = (index: number, d: Record<string, unknown>) => ev('content_block_delta', { index, delta: d });

/** Bytes in the order Anthropic sends them: start with input usage, a thinking block, a text block, a tool block, output usage, stop. */
const STREAM =
  ev('message_start', { message: { id: 'msg_01abc', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 } } }) +
  ev('ping') +
  ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }) +
  delta(0, { type: 'thinking_delta', thinking: 'hmm' }) +
  delta(0, { type: 'signature_delta', signature: 'EqQBCgIYAhIM' }) +
  ev('content_block_stop', { index: 0 }) +
  ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }) +
  delta(1, { type: 'text_delta', text: 'Hello' }) +
  delta(1, { type: 'text_delta', text: ' wörld 🎉' }) +
  ev('content_block_stop', { index: 1 }) +
  ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } }) +
  delta(2, { type: 'input_json_delta', partial_json: '{"a":' }) +
  delta(2, { type: 'input_json_delta', partial_json: '1}' }) +
  ev('content_block_stop', { index: 2 }) +
  ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: null, output_tokens: 9 } }) +
  ev('message_stop');

function decode(text: string, split = 0) {
  const state = new RequestState(0);
  state.contentPieces = [];
  state.reasoningPieces = [];
  const gaps: number[] = [];
  const decoder = new SseDecoder(state, { recordItlUs: (gap) => gaps.push(gap), recordPackageAt: () => {} }, undefined, messagesApi);
  const bytes = Buffer.from(text, 'utf8');
  const parts = split > 0 ? [bytes.subarray(0, split), bytes.subarray(split)] : [bytes];
  parts.forEach((part, i) => decoder.push(part, 10 * (i + 1)));
  decoder.end(100);
  return { state, gaps };
}

describe('Messages event mapping (fixture bytes)', () => {
  it('maps text, thinking and tool-argument deltas to packages, message_start/message_delta to usage, message_stop to a clean end', () => {
    const { state, gaps } = decode(STREAM);
    expect(state.packages).toBe(5); // thinking, two texts, two tool-argument fragments; the signature is no package
    expect(state.reasoningPackages).toBe(1);
    expect(state.reasoningPieces!.join('')).toBe('hmm');
    expect(state.contentPieces!.join('')).toBe('Hello wörld 🎉'); // tool arguments are counted, not kept as answer text
    expect(state.contentChars).toBe('Hello wörld 🎉'.length + '{"a":1}'.length);
    expect([state.promptTokens, state.completionTokens]).toEqual([25, 9]); // cached input counts as prompt
    expect(state.serverRequestId).toBe('msg_01abc');
    expect(state.sawDone).toBe(true);
    expect(state.errorKind).toBeNull();
    expect(state.usageInvalid).toBeNull(); // a null count in message_delta means "not reported here"
    expect(gaps).toHaveLength(4);
  });

  it('gives the same result however the bytes are split', () => {
    const length = Buffer.byteLength(STREAM);
    for (let cut = 1; cut < length; cut += 7) {
      const { state } = decode(STREAM, cut);
      expect([state.packages, state.contentPieces!.join(''), state.promptTokens, state.completionTokens, state.sawDone], `cut at ${cut}`).toEqual([5, 'Hello wörld 🎉', 25, 9, true]);
    }
  });

  it('fails an error event as stream_error_event with the server message; no message_stop means no clean end', () => {
    const failed = decode(delta(0, { type: 'text_delta', text: 'a' }) + ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })).state;
    expect([failed.errorKind, failed.errorMessage, failed.sawDone]).toEqual(['stream_error_event', 'Overloaded', false]);
    const bare = decode(`data: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'Internal server error' } })}\n\n`).state;
    expect([bare.errorKind, bare.errorMessage]).toEqual(['stream_error_event', 'Internal server error']);
    const cut = decode(delta(0, { type: 'text_delta', text: 'a' }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } })).state;
    expect([cut.sawDone, cut.sawFinish]).toEqual([false, false]);
  });

  it('builds a Messages body: system prompt top-level, max_tokens always present', () => {
    const prompt = fromMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    const body = JSON.parse(buildBody({ ...testConfig('http://127.0.0.1:1'), api: 'messages', outputTokens: null }, prompt)) as Record<string, unknown>;
    expect(body).toEqual({ model: 'llmperf-sim', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }], system: 'Be brief.', stream: true });
  });
});

describe('--api messages against servers', () => {
  let replay: ReplayServer | null = null;
  afterEach(async () => {
    await replay?.close();
    replay = null;
  });

  it('a stream without message_stop is incomplete_stream; an error event carries the server message', async () => {
    replay = await startReplayServer({ body: delta(0, { type: 'text_delta', text: 'partial' }) });
    const cut = await runLoad(testConfig(replay.url, { api: 'messages', requests: 4, concurrency: 2 }));
    expect(cut.totals.errors).toEqual({ incomplete_stream: 4 });
    await replay.close();
    replay = await startReplayServer({ body: delta(0, { type: 'text_delta', text: 'a' }) + ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) });
    const { totals } = await runLoad(testConfig(replay.url, { api: 'messages', requests: 4, concurrency: 2 }));
    expect(totals.errors).toEqual({ stream_error_event: 4 });
    expect(totals.error_samples.stream_error_event).toBe('Overloaded');
  });

  it('sends the key as x-api-key with anthropic-version, and redacts it when a server echoes it', async () => {
    const KEY = 'sk-ant-api03-secret-key-value';
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${String(req.headers['x-api-key'])}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { totals } = await runLoad(testConfig(url, { api: 'messages', requests: 2, concurrency: 1, target: { baseUrl: url, model: 'm', apiKey: KEY } }));
      expect(seen[0]!['x-api-key']).toBe(KEY);
      expect(seen[0]!['anthropic-version']).toBe('2023-06-01');
      expect(seen[0]!.authorization).toBeUndefined();
      expect(totals.errors).toEqual({ http_401: 2 });
      expect(totals.error_samples.http_401).toContain('invalid x-api-key [redacted]');
      expect(JSON.stringify(totals)).not.toContain(KEY);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('measures the simulator in Messages mode with its usage and thinking', async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 50, reasoningTokens: 3 });
    try {
      const records: RequestRecord[] = [];
      const { totals } = await runLoad(testConfig(sim.url, { api: 'messages', requests: 4, concurrency: 2, outputTokens: 6 }), { onRecord: (r) => records.push(r) });
      expect([totals.succeeded, totals.errors, totals.estimated_token_requests]).toEqual([4, {}, 0]);
      for (const record of records) expect([record.packages, record.output_tokens, record.request_id?.startsWith('msg-')]).toEqual([9, 9, true]);
      const whole = await runLoad(testConfig(sim.url, { api: 'messages', stream: false, requests: 2, concurrency: 1, outputTokens: 4 }));
      expect([whole.totals.succeeded, whole.totals.output_tokens]).toEqual([2, 2 * 7]);
    } finally {
      await sim.close();
    }
  });
});

describe('the official Anthropic SDK streams Messages from the simulator', () => {
  let sim: MockServer;
  beforeAll(async () => {
    sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 17, reasoningTokens: 2 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('messages.create({stream: true}) reads text and thinking deltas and both usages; messages.stream() rebuilds the message', async () => {
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.messages.create({ model: 'llmperf-sim', max_tokens: 1024, messages: [{ role: 'user', content: 'Say something.' }], stream: true });
    let text = '';
    let thinking = '';
    let inputTokens = -1;
    let outputTokens = -1;
    let stopped = false;
    for await (const event of stream) {
      if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta') thinking += event.delta.thinking;
      if (event.type === 'message_delta') outputTokens = event.usage.output_tokens;
      if (event.type === 'message_stop') stopped = true;
    }
    expect(text.trim().split(' ')).toHaveLength(17);
    expect(thinking.trim().split(' ')).toHaveLength(2);
    expect([inputTokens, outputTokens, stopped]).toEqual([4, 19, true]); // the same prompt as chat counts 4 tokens (test/mock/openai-client.test.ts)
    const final = await client.messages.stream({ model: 'llmperf-sim', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
    expect(final.stop_reason).toBe('max_tokens');
    const block = final.content.find((b) => b.type === 'text');
    expect(block?.type === 'text' ? block.text.trim().split(' ') : []).toHaveLength(5);
    expect(final.usage.output_tokens).toBe(7);
  });
});
