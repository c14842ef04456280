// Tool-call streams as vLLM sends them, replayed byte for byte by a fixture server: fragments, indexes, ids and finish_reason.
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/engine/run.js';
import { buildSummary } from '../../../src/metrics/summary.js';
import type { RequestRecord } from '../../../src/metrics/schema.js';
import type { ToolSpec } from '../../../src/workload/tools.js';
import { MAX_CHECKED_CHARS } from '../../../src/engine/checks/index.js';
import { startReplayServer, type ReplayServer } from '../fixtures/replay-server.js';
import { testConfig } from '../../helpers/config.js';

const servers: ReplayServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const SEARCH: ToolSpec = {
  type: 'function',
  function: { name: 'search_web', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false } },
};
const CLOCK: ToolSpec = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};

/**
 * vLLM's shape (hermes / llama3_json parsers, continuous usage on): a role chunk; the call's first fragment carries
 * `id` ("chatcmpl-tool-" + 32 hex), `type` and the name but no `arguments`; later fragments carry only `index` and
 * argument text; the last fragment has empty arguments beside finish_reason "tool_calls" and a numeric stop_reason;
 * then a usage chunk with `choices: []` and [DONE].
 */
const vllmFrame = (delta: string, finish = 'null', tokens: number, extra = ''): string =>
  `data: {"id":"chat-5d1c0e7a94b24c0f8e0d1b2a3c4d5e6f","object":"chat.completion.chunk","created":1733170000,"model":"meta/llama-3.1-8b-instruct","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}${extra}}],"usage":{"prompt_tokens":180,"total_tokens":${180 + tokens},"completion_tokens":${tokens}}}\n\n`;
const argFrame = (index: number, text: string, tokens: number) => vllmFrame(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(text)}}}]}`, 'null', tokens);
const startFrame = (index: number, id: string, name: string, tokens: number) =>
  vllmFrame(`{"tool_calls":[{"id":"chatcmpl-tool-${id}","type":"function","index":${index},"function":{"name":"${name}"}}]}`, 'null', tokens);
const endFrames = (tokens: number, index = 0) =>
  vllmFrame(`{"tool_calls":[{"index":${index},"function":{"arguments":""}}]}`, '"tool_calls"', tokens, ',"stop_reason":128008') +
  `data: {"id":"chat-5d1c0e7a94b24c0f8e0d1b2a3c4d5e6f","object":"chat.completion.chunk","created":1733170000,"model":"meta/llama-3.1-8b-instruct","choices":[],"usage":{"prompt_tokens":180,"total_tokens":${180 + tokens},"completion_tokens":${tokens}}}\n\n` +
  'data: [DONE]\n\n';

const ONE_CALL =
  vllmFrame('{"role":"assistant","content":""}', 'null', 0) +
  startFrame(0, '0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'search_web', 6) +
  argFrame(0, '{"query": "', 13) + argFrame(0, 'tool', 14) + argFrame(0, ' calling', 15) + argFrame(0, ' in vllm"}', 17) +
  endFrames(18);

const TWO_CALLS =
  vllmFrame('{"role":"assistant","content":""}', 'null', 0) +
  startFrame(0, '11111111111111111111111111111111', 'search_web', 6) + argFrame(0, '{"query": "weather"}', 12) +
  startFrame(1, '22222222222222222222222222222222', 'get_time', 18) + argFrame(1, '{"zone": 5', 22) + argFrame(1, '}', 23) +
  endFrames(24, 1);

async function replay(body: string, tools: ToolSpec[] | undefined, requests = 3) {
  const server = await startReplayServer({ body });
  servers.push(server);
  const records: RequestRecord[] = [];
  const outcome = await runLoad(testConfig(server.url, { tools, requests, concurrency: 1 }), { onRecord: (record) => records.push(record) });
  return { summary: buildSummary(outcome.totals, outcome.histograms), records };
}

describe('vLLM tool-call streams', () => {
  it('one call in fragments: packages, usage, a valid call, finish_reason tool_calls ends the request cleanly', async () => {
    const { summary, records } = await replay(ONE_CALL, [SEARCH]);
    expect(summary.succeeded).toBe(3);
    expect(summary.errors).toEqual({});
    // Five fragments carry the call (the name, four argument pieces); the role chunk and the empty closing piece are not output.
    expect(records[0]!.packages).toBe(5);
    expect(records[0]!.output_tokens).toBe(18);
    expect([summary.tool_calls, summary.tool_calls_invalid, summary.tool_call_valid_rate]).toEqual([3, 0, 1]);
    expect(records.map((r) => r.tool_calls)).toEqual([1, 1, 1]);
    expect(summary.ttft_tool_call_ms!.count).toBe(3);
  });

  it('two calls by index: both counted, the second one checked against its own tool', async () => {
    const { summary, records } = await replay(TWO_CALLS, [SEARCH, CLOCK]);
    expect([summary.tool_calls, summary.tool_calls_invalid, summary.tool_calls_per_request]).toEqual([6, 3, 2]);
    expect(records[0]!.invalid_reason).toBe('schema_violation: get_time arguments /zone: must be string');
    expect(summary.tool_call_invalid_kinds).toEqual({ schema_violation: 3 });
  });

  it('a call naming a tool the request did not send is invalid (unknown_tool)', async () => {
    const { summary, records } = await replay(ONE_CALL, [CLOCK]);
    expect(summary.tool_call_invalid_kinds).toEqual({ unknown_tool: 3 });
    expect(records[0]!.invalid_reason).toContain('"search_web"');
  });

  it('without tools in the run, the call is still timed and counted as output, but nothing is kept or checked', async () => {
    const { summary, records } = await replay(ONE_CALL, undefined);
    expect(summary.ttft_tool_call_ms!.count).toBe(3);
    expect(summary.tool_call_valid_rate).toBeUndefined();
    expect(records[0]!.tool_calls).toBeNull();
  });

  it('argument text past the bound is dropped and the call counts as invalid (too_large)', async () => {
    const piece = 'x'.repeat(64 * 1024);
    const pieces = Math.ceil(MAX_CHECKED_CHARS / piece.length) + 1;
    const body =
      startFrame(0, '33333333333333333333333333333333', 'search_web', 1) + argFrame(0, '{"query": "', 2) +
      Array.from({ length: pieces }, (_, i) => argFrame(0, piece, 3 + i)).join('') + argFrame(0, '"}', pieces + 3) + endFrames(pieces + 4);
    const { summary, records } = await replay(body, [SEARCH], 1);
    expect(summary.succeeded).toBe(1);
    expect(summary.tool_call_invalid_kinds).toEqual({ too_large: 1 });
    expect(records[0]!.invalid_reason).toMatch(/^too_large: /);
  });
});
