// schema_valid_rate measured against the simulator's truth: answers in a JSON Schema, some broken on purpose (seeded).
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../../../src/engine/run.js';
import { buildSummary } from '../../../src/metrics/summary.js';
import type { RequestRecord } from '../../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { loadResponseFormatFile } from '../../../src/workload/response-format.js';
import { testConfig } from '../../helpers/config.js';
import { startReplayServer, chunk, type ReplayServer } from '../fixtures/replay-server.js';

const FORMAT = loadResponseFormatFile(fileURLToPath(new URL('../../../prompts/tools/invoice-schema.json', import.meta.url)));
const servers: Array<MockServer | ReplayServer> = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('schema_valid_rate against the simulator', () => {
  it.each([
    ['chat', 0, true],
    ['chat', 0.3, true],
    ['responses', 0.3, true],
    ['chat', 0.3, false],
  ] as const)('--api %s, invalid rate %s, stream %s: the measured rate is the simulator\'s truth', async (api, rate, stream) => {
    const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, contention: 0, schemaInvalidRate: rate, seed: 11 });
    servers.push(server);
    const records: RequestRecord[] = [];
    const outcome = await runLoad(testConfig(server.url, { api, stream, responseFormat: FORMAT, requests: 50, concurrency: 5, outputTokens: 512 }), { onRecord: (r) => records.push(r) });
    const summary = buildSummary(outcome.totals, outcome.histograms);
    const truth = await server.stats();
    expect(summary.succeeded).toBe(50);
    expect(truth.structuredAnswers).toBe(50);
    expect(summary.schema_checked).toBe(50);
    expect(summary.schema_invalid).toBe(truth.structuredInvalid);
    expect(summary.schema_valid_rate).toBeCloseTo(1 - truth.structuredInvalid / 50, 6);
    if (rate > 0) expect(truth.structuredInvalid).toBeGreaterThan(5);
    expect(records.filter((r) => r.schema_valid === false)).toHaveLength(truth.structuredInvalid);
    for (const r of records.filter((r) => r.schema_valid === false)) expect(r.invalid_reason).toMatch(/^(not_json|schema_violation): response/);
    // The request body carried the schema in the API's own field.
    const body = (await server.stats()).recentBodies[0] as Record<string, unknown>;
    if (api === 'chat') expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'invoice', schema: FORMAT.schema, strict: true } });
    else expect(body.text).toEqual({ format: { type: 'json_schema', name: 'invoice', schema: FORMAT.schema, strict: true } });
  });

  it('an answer that is not JSON, and one that violates the schema, each get a reason naming where', async () => {
    const notJson = await startReplayServer({ body: chunk('Sure! Here is') + chunk(' your invoice.', 'stop') + 'data: [DONE]\n\n' });
    const wrong = await startReplayServer({ body: chunk('{"vendor": "ACME", "total": "12",') + chunk(' "currency": "EUR", "lines": []}', 'stop') + 'data: [DONE]\n\n' });
    servers.push(notJson, wrong);
    const reasons = async (url: string) => {
      const records: RequestRecord[] = [];
      await runLoad(testConfig(url, { responseFormat: FORMAT, requests: 1, concurrency: 1 }), { onRecord: (r) => records.push(r) });
      return records[0]!.invalid_reason;
    };
    expect(await reasons(notJson.url)).toMatch(/^not_json: response: Unexpected token/);
    expect(await reasons(wrong.url)).toBe('schema_violation: response /total: must be number');
  });
});

describe('tools and a response format together', () => {
  it('an answer that is only a tool call is checked as a call, not against the response format', async () => {
    const { loadToolsFile } = await import('../../../src/workload/tools.js');
    const tools = loadToolsFile(fileURLToPath(new URL('../../../prompts/tools/weather-tools.json', import.meta.url)));
    const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5 });
    servers.push(server);
    const outcome = await runLoad(testConfig(server.url, { tools, responseFormat: FORMAT, requests: 6, concurrency: 2 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect([summary.tool_calls, summary.tool_call_valid_rate]).toEqual([6, 1]);
    expect([summary.schema_checked, summary.schema_valid_rate]).toEqual([0, null]);
  });
});
