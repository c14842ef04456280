// Tool calls measured against the simulator's truth (its count of calls it broke on purpose) and its recorded send times.
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../../../src/engine/run.js';
import { buildSummary } from '../../../src/metrics/summary.js';
import type { RequestRecord } from '../../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { loadToolsFile } from '../../../src/workload/tools.js';
import { testConfig } from '../../helpers/config.js';

const TOOLS = loadToolsFile(fileURLToPath(new URL('../../../prompts/tools/weather-tools.json', import.meta.url)));
const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
const sim = async (options: Parameters<typeof startMockServer>[0]) => {
  const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, contention: 0, ...options });
  servers.push(server);
  return server;
};

describe('tool_call_valid_rate against the simulator', () => {
  it.each([
    ['chat', 0],
    ['chat', 0.3],
    ['responses', 0.3],
    ['messages', 0.3],
  ] as const)('--api %s, invalid rate %s: the measured rate is the simulator\'s truth', async (api, rate) => {
    const server = await sim({ toolInvalidRate: rate, seed: 7 });
    const records: RequestRecord[] = [];
    const outcome = await runLoad(testConfig(server.url, { api, tools: TOOLS, requests: 60, concurrency: 6 }), { onRecord: (record) => records.push(record) });
    const summary = buildSummary(outcome.totals, outcome.histograms);
    const truth = await server.stats();
    expect(summary.succeeded).toBe(60);
    expect(truth.toolCalls).toBe(60);
    expect(summary.tool_calls).toBe(truth.toolCalls);
    expect(summary.tool_calls_invalid).toBe(truth.toolCallsInvalid);
    expect(summary.tool_call_valid_rate).toBeCloseTo(1 - truth.toolCallsInvalid / truth.toolCalls, 6);
    if (rate === 0) expect(summary.tool_call_valid_rate).toBe(1);
    // Seeded at 0.3: some calls are broken, some are not (a check that flags all or none would fail here).
    else expect(truth.toolCallsInvalid).toBeGreaterThan(5);
    expect(summary.tool_calls_per_request).toBe(1);
    // Per request: the invalid ones are the ones with a reason, and the reasons' kinds add up to the summary's.
    expect(records.filter((r) => r.tool_calls_invalid === 1)).toHaveLength(truth.toolCallsInvalid);
    expect(records.every((r) => (r.tool_calls_invalid === 1) === (r.invalid_reason !== null))).toBe(true);
    const kinds = summary.tool_call_invalid_kinds!;
    expect(Object.values(kinds).reduce((a, b) => a + b, 0)).toBe(truth.toolCallsInvalid);
    if (rate > 0) expect(Object.keys(kinds).sort()).toEqual(['not_json', 'schema_violation']);
    // Fragments are packages: usage counts the tokens the simulator streamed, one package each.
    expect(summary.ttft_tool_call_ms!.count).toBe(60);
  });

  it('a call cut short by max_tokens is invalid on both sides (finish_reason length)', async () => {
    const server = await sim({});
    const summary = await runLoad(testConfig(server.url, { tools: TOOLS, requests: 8, outputTokens: 4 })).then((o) => buildSummary(o.totals, o.histograms));
    const truth = await server.stats();
    expect(truth.toolCallsInvalid).toBe(8);
    expect([summary.tool_calls, summary.tool_calls_invalid, summary.tool_call_invalid_kinds]).toEqual([8, 8, { not_json: 8 }]);
  });

  it('faults hit tool-call streams as they hit text: failed requests are neither checked nor counted by the simulator', async () => {
    const server = await sim({ toolInvalidRate: 0.3, seed: 5, faults: [{ kind: 'reset', rate: 0.3 }] });
    const outcome = await runLoad(testConfig(server.url, { tools: TOOLS, requests: 40, concurrency: 4 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    const truth = await server.stats();
    expect(summary.errors.stream_cut).toBeGreaterThan(0);
    expect(summary.succeeded + summary.failed).toBe(40);
    expect([summary.tool_calls, summary.tool_calls_invalid]).toEqual([truth.toolCalls, truth.toolCallsInvalid]);
    expect(summary.tool_calls).toBe(summary.succeeded);
  });

  it('non-streamed answers are checked the same way', async () => {
    const server = await sim({ toolInvalidRate: 0.5, seed: 3 });
    const outcome = await runLoad(testConfig(server.url, { stream: false, tools: TOOLS, requests: 24 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    const truth = await server.stats();
    expect([summary.tool_calls, summary.tool_calls_invalid]).toEqual([truth.toolCalls, truth.toolCallsInvalid]);
    expect(truth.toolCallsInvalid).toBeGreaterThan(0);
  });

  it('tool_choice none: no call is streamed, and no argument text is kept or checked', async () => {
    const server = await sim({});
    const states: Array<{ parts: unknown; record: RequestRecord }> = [];
    const none = await runLoad(testConfig(server.url, { tools: TOOLS, toolChoice: 'none', requests: 4 }), { onRecord: (record, state) => states.push({ parts: state.toolCalls, record }) });
    const summary = buildSummary(none.totals, none.histograms);
    expect([summary.tool_call_valid_rate, summary.ttft_tool_call_ms, (await server.stats()).toolCalls]).toEqual([undefined, undefined, 0]);
    expect(states.every((s) => s.parts === null && s.record.tool_calls === null)).toBe(true);
  });

  it('--tool-choice NAME forces that tool in the body, and the simulator calls it', async () => {
    const server = await sim({});
    await runLoad(testConfig(server.url, { tools: TOOLS, toolChoice: 'search_flights', requests: 3 }));
    const body = (await server.stats()).recentBodies[0] as Record<string, unknown>;
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'search_flights' } });
    expect((body.tools as unknown[]).length).toBe(2);
  });
});

describe('ttft_tool_call_ms', () => {
  // Reference: the simulator's own record of when it wrote each token. With 6 reasoning tokens first, the first
  // tool-call byte is the 7th token written: (first tool-call byte - first byte) must match the simulator's gap.
  it('is anchored on the first tool-call fragment, as the simulator wrote it', { retry: 2 }, async () => {
    const server = await sim({ ttftMs: 20, itlMs: 15, reasoningTokens: 6, recordSendTimes: true });
    const clientGaps: number[] = [];
    const outcome = await runLoad(testConfig(server.url, { tools: TOOLS, requests: 12, concurrency: 4 }), {
      onRecord: (_record, state) => clientGaps.push(state.firstToolCallMs - state.firstPackageMs),
    });
    const summary = buildSummary(outcome.totals, outcome.histograms);
    const { records } = await server.sendTimes();
    const serverGaps = records.map((r) => r.tokenEpochMs[6]! - r.tokenEpochMs[0]!);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(summary.ttft_tool_call_ms!.count).toBe(12);
    // Six token intervals of 15 ms: anchoring on any other package would be off by 15 ms or more.
    expect(Math.abs(median(clientGaps) - median(serverGaps))).toBeLessThan(7);
    expect(summary.ttft_tool_call_ms!.p50! - summary.ttft_ms.p50!).toBeGreaterThan(median(serverGaps) - 10);
  });
});
