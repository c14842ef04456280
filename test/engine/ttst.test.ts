// Time to second token (TTST) and the first-to-second gap, checked against the simulator's record of when it wrote each token.
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { buildSummary } from '../../src/metrics/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1]!;

describe('TTST and first_gap_ms', () => {
  // The reference is the simulator's own first-to-second write gap in this same run, never a fixed number alone.
  it.each(['chat', 'messages', 'responses'] as const)('--api %s: matches the gap the simulator wrote between tokens 1 and 2', { retry: 2 }, async (api) => {
    const server = await startMockServer({ port: 0, ttftMs: 40, itlMs: 25, outputTokens: 12, contention: 0, recordSendTimes: true });
    servers.push(server);
    const outcome = await runLoad(testConfig(server.url, { api, concurrency: 4, requests: 16 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(16);
    const { records } = await server.sendTimes();
    const serverGaps = records.map((r) => r.tokenEpochMs[1]! - r.tokenEpochMs[0]!);
    const gap = summary.first_gap_ms!;
    const ttst = summary.ttst_ms!;
    expect(gap.count).toBe(16);
    expect(ttst.count).toBe(16);
    // Loopback plus a scheduling slice either way; a gap measured from the wrong package would be off by 25 ms.
    expect(Math.abs(gap.p50 - p50(serverGaps))).toBeLessThan(8);
    // TTST is TTFT plus the first gap, request by request: so are their means.
    expect(Math.abs(ttst.mean - (summary.ttft_ms.mean + gap.mean))).toBeLessThan(0.5);
  });

  it('is absent for one-package answers and non-streamed requests', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 1 });
    servers.push(server);
    const one = await runLoad(testConfig(server.url, { requests: 4 }));
    const single = buildSummary(one.totals, one.histograms);
    expect([single.succeeded, single.ttst_ms, single.first_gap_ms]).toEqual([4, undefined, undefined]);
    const whole = await runLoad(testConfig(server.url, { stream: false, requests: 4, outputTokens: 5 }));
    expect(buildSummary(whole.totals, whole.histograms).ttst_ms).toBeUndefined();
  });
});
