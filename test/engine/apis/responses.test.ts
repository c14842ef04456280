// --api responses: the Responses API's typed events map onto packages, reasoning, usage and errors, from fixture bytes and the simulator.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { responsesApi } from '../../../src/engine/apis/index.js';
import { buildBody } from '../../../src/engine/request-body.js';
import { runLoad } from '../../../src/engine/run.js';
import { RequestState, SseDecoder } from '../../../src/engine/stream.js';
import type { RequestRecord } from '../../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { syntheticPrompts } from '../../../src/workload/prompts.js';
import { testConfig } from '../../helpers/config.js';
import { startReplayServer, type ReplayServer } from '../fixtures/replay-server.js';

const ev = (type: string, payload: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
const USAGE = { input_tokens: 12, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 17 };

/** Bytes in the order OpenAI sends them: created, a reasoning summary, then the message's text, then completed. */
const STREAM =
  ev('response.created', { sequence_number: 0, response: { id: 'resp_abc', status: 'in_progress', usage: null } }) +
  ev('response.in_progress', { sequence_number: 1, response: { id: 'resp_abc' } }) +
  ev('response.output_item.added', { output_index: 0, item: { type: 'reasoning', summary: [] } }) +
  ev('response.reasoning_summary_text.delta', { item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'think' }) +
  ev('response.reasoning_summary_text.done', { text: 'think' }) +
  ev('response.output_item.added', { output_index: 1, item: { type: 'message', content: [] } }) +
  ev('response.content_part.added', { output_index: 1, part: { type: 'output_text', text: '' } }) +
  ev('response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Hello', logprobs: [] }) +
  ev('response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: ' wörld 🎉', logprobs: [] }) +
  ev('response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: '', logprobs: [] }) +
  ev('response.output_text.done', { text: 'Hello wörld 🎉' }) +
  ev('response.completed', { response: { id: 'resp_abc', status: 'completed', usage: USAGE } });

function decode(text: string, split = 0) {
  const state = new RequestState(0);
  state.contentPieces = [];
  state.reasoningPieces = [];
  const gaps: number[] = [];
  const decoder = new SseDecoder(state, { recordItlUs: (gap) => gaps.push(gap), recordPackageAt: () => {} }, undefined, responsesApi);
  const bytes = Buffer.from(text, 'utf8');
  const parts = split > 0 ? [bytes.subarray(0, split), bytes.subarray(split)] : [bytes];
  parts.forEach((part, i) => decoder.push(part, 10 * (i + 1)));
  decoder.end(100);
  return { state, gaps };
}

describe('Responses event mapping (fixture bytes)', () => {
  it('maps text and reasoning-summary deltas to packages, response.completed to usage and a clean end', () => {
    const { state, gaps } = decode(STREAM);
    expect(state.packages).toBe(3); // the empty delta is no package
    expect(state.reasoningPackages).toBe(1);
    expect(state.reasoningPieces!.join('')).toBe('think');
    expect(state.contentPieces!.join('')).toBe('Hello wörld 🎉');
    expect([state.promptTokens, state.completionTokens, state.reasoningTokens]).toEqual([12, 5, 2]);
    expect(state.serverRequestId).toBe('resp_abc');
    expect(state.sawFinish).toBe(true);
    expect(state.errorKind).toBeNull();
    expect(gaps).toHaveLength(2);
  });

  it('gives the same result however the bytes are split', () => {
    const whole = decode(STREAM).state;
    const length = Buffer.byteLength(STREAM);
    for (let cut = 1; cut < length; cut += 7) {
      const { state } = decode(STREAM, cut);
      expect([state.packages, state.contentPieces!.join(''), state.completionTokens, state.sawFinish], `cut at ${cut}`).toEqual([
        whole.packages,
        whole.contentPieces!.join(''),
        5,
        true,
      ]);
    }
  });

  it('takes response.incomplete (max_output_tokens reached) as a clean end with its usage', () => {
    const { state } = decode(ev('response.output_text.delta', { delta: 'a' }) + ev('response.incomplete', { response: { status: 'incomplete', usage: { input_tokens: 3, output_tokens: 1 } } }));
    expect([state.sawFinish, state.completionTokens, state.errorKind]).toEqual([true, 1, null]);
  });

  it('fails response.failed and error events as stream_error_event with the server message', () => {
    const failed = decode(ev('response.output_text.delta', { delta: 'a' }) + ev('response.failed', { response: { status: 'failed', error: { code: 'server_error', message: 'The model crashed' } } })).state;
    expect([failed.errorKind, failed.errorMessage, failed.sawFinish]).toEqual(['stream_error_event', 'The model crashed', false]);
    const error = decode(ev('error', { code: 'rate_limit_exceeded', message: 'Slow down', param: null })).state;
    expect([error.errorKind, error.errorMessage]).toEqual(['stream_error_event', 'Slow down']);
    // The same error object without an `event:` line is still recognised by its type.
    const bare = decode(`data: ${JSON.stringify({ type: 'error', message: 'bare failure' })}\n\n`).state;
    expect([bare.errorKind, bare.errorMessage]).toEqual(['stream_error_event', 'bare failure']);
  });

  it('builds a streaming Responses body with input messages and max_output_tokens', () => {
    const [prompt] = syntheticPrompts(1, 8, 1);
    const body = JSON.parse(buildBody({ ...testConfig('http://127.0.0.1:1'), api: 'responses', outputTokens: 9, extraBody: { temperature: 0 } }, prompt!)) as Record<string, unknown>;
    expect(body).toEqual({ model: 'llmperf-sim', input: prompt!.messages, max_output_tokens: 9, stream: true, temperature: 0 });
  });
});

describe('--api responses against servers', () => {
  let replay: ReplayServer | null = null;
  afterEach(async () => {
    await replay?.close();
    replay = null;
  });

  async function run(url: string) {
    const records: RequestRecord[] = [];
    const outcome = await runLoad(testConfig(url, { api: 'responses', requests: 4, concurrency: 2, outputTokens: 6 }), { onRecord: (r) => records.push(r) });
    return { totals: outcome.totals, records };
  }

  it('a stream without response.completed is incomplete_stream, a failed one carries the server message', async () => {
    replay = await startReplayServer({ body: ev('response.output_text.delta', { delta: 'partial' }) });
    expect((await run(replay.url)).totals.errors).toEqual({ incomplete_stream: 4 });
    await replay.close();
    replay = await startReplayServer({ body: ev('response.output_text.delta', { delta: 'a' }) + ev('response.failed', { response: { error: { message: 'upstream overloaded' } } }) });
    const { totals } = await run(replay.url);
    expect(totals.errors).toEqual({ stream_error_event: 4 });
    expect(totals.error_samples.stream_error_event).toContain('upstream overloaded');
  });

  it('measures the simulator in Responses mode with its usage and reasoning', async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 50, reasoningTokens: 3 });
    try {
      const { totals, records } = await run(sim.url);
      expect(totals.succeeded).toBe(4);
      expect(totals.errors).toEqual({});
      // 3 reasoning + 6 answer tokens, each its own package; usage says the same.
      for (const record of records) expect([record.packages, record.output_tokens, record.reasoning_tokens, record.request_id?.startsWith('resp-')]).toEqual([9, 9, 3, true]);
      expect(totals.estimated_token_requests).toBe(0);
      const stream = await runLoad(testConfig(sim.url, { api: 'responses', stream: false, requests: 2, concurrency: 1, outputTokens: 4 }));
      expect([stream.totals.succeeded, stream.totals.output_tokens]).toEqual([2, 2 * 7]);
    } finally {
      await sim.close();
    }
  });
});

describe('the official openai client streams Responses from the simulator', () => {
  let sim: MockServer;
  beforeAll(async () => {
    sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 17, reasoningTokens: 2 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('client.responses.create({stream: true}) reads deltas, the completed response and its usage', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.responses.create({ model: 'llmperf-sim', input: 'Say something.', stream: true });
    let text = '';
    let reasoning = '';
    let completed: OpenAI.Responses.Response | null = null;
    const types = new Set<string>();
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.reasoning_summary_text.delta') reasoning += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text.trim().split(' ')).toHaveLength(17);
    expect(reasoning.trim().split(' ')).toHaveLength(2);
    expect(completed).not.toBeNull();
    expect(completed!.usage?.output_tokens).toBe(19);
    expect(completed!.usage?.output_tokens_details.reasoning_tokens).toBe(2);
    const message = completed!.output.find((item) => item.type === 'message');
    expect(message?.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : null).toBe(text);
    expect([...types]).toEqual(expect.arrayContaining(['response.created', 'response.output_item.added', 'response.output_text.done', 'response.completed']));
    // The SDK's accumulating helper rebuilds the same final response from the events.
    const final = await client.responses.stream({ model: 'llmperf-sim', input: 'Say something.', max_output_tokens: 5 }).finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.output_text.trim().split(' ')).toHaveLength(5); // the simulator's reasoning tokens come on top of max_output_tokens
  });
});
