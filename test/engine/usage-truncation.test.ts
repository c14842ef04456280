// Implausible usage falls back to the client's count and is reported; quiet truncation under --ignore-eos is flagged.
import { afterEach, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import type { RequestRecord } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { consoleReport } from '../../src/report/console.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { testConfig } from '../helpers/config.js';
import { expectExactAccounting } from '../reliability/helpers.js';
import { chunk, startReplayServer, type ReplayServer } from './fixtures/replay-server.js';

let server: ReplayServer | null = null;
let mock: MockServer | null = null;
afterEach(async () => {
  await server?.close();
  await mock?.close();
  server = mock = null;
});

const REQUESTS = 4;
/** Four packages of text ("aaaa" x 4 = 16 characters: 4 tokens by the client's rule), then the usage as raw JSON text. */
const withUsage = (completionTokens: string) =>
  chunk('aaaa') + chunk('aaaa') + chunk('aaaa') + chunk('aaaa', 'stop') +
  `data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":${completionTokens}}}\n\n` + 'data: [DONE]\n\n';

async function run(body: string, overrides: Partial<LoadConfig> = {}) {
  server = await startReplayServer({ body });
  const records: RequestRecord[] = [];
  const config = testConfig(server.url, { requests: REQUESTS, concurrency: 2, outputTokens: 16, ...overrides });
  const outcome = await runLoad(config, { onRecord: (record) => records.push(record) });
  expectExactAccounting(outcome.totals, REQUESTS);
  const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: false });
  return { totals: outcome.totals, records, result };
}

describe('implausible usage', () => {
  for (const [value, shown] of [['1e12', '1000000000000'], ['1e999', 'Infinity'], ['null', 'null'], ['2.5', '2.5'], ['-3', '-3'], ['"7"', '7'], ['500', '500 (more than 160)']]) {
    it(`completion_tokens: ${value} is usage_invalid, and the client's count stands`, async () => {
      const { totals, records, result } = await run(withUsage(value));
      expect(totals.succeeded).toBe(REQUESTS);
      expect(totals.usage_invalid).toBe(REQUESTS);
      expect(totals.usage_invalid_sample).toContain(`completion_tokens: ${shown}`);
      expect(totals.output_tokens).toBe(4 * REQUESTS); // 16 characters per response, 4 tokens each by the client's rule
      expect(totals.input_tokens).toBe(9 * REQUESTS); // the valid prompt count is still the server's
      expect(records.every((record) => record.usage_invalid === true && record.output_tokens === 4)).toBe(true);
      expect(Number.isFinite(result.summary.output_tokens_per_s)).toBe(true);
      expect(result.summary.usage_invalid).toBe(REQUESTS);
      expect(consoleReport(result)).toMatch(/Warning: 4 request\(s\) reported implausible usage \(e\.g\. completion_tokens: /);
    });
  }

  it('a plausible count (within 10x max_tokens) is taken as the server says', async () => {
    const { totals, records, result } = await run(withUsage('150'));
    expect(totals.usage_invalid ?? 0).toBe(0);
    expect(totals.output_tokens).toBe(150 * REQUESTS);
    expect(records.every((record) => record.usage_invalid === false)).toBe(true);
    expect(consoleReport(result)).not.toMatch(/implausible usage/);
  });
});

describe('quiet truncation under --ignore-eos', () => {
  it('is flagged in result.json and the reports when responses end shorter than asked', async () => {
    // A server capped at 4 tokens, asked for 16 with ignore_eos on every request.
    const { result } = await run(withUsage('4'), { ignoreEos: true });
    const truncated = result.summary.output_truncated as { shorter: number; requests: number; shorter_mean_tokens: number; requested_mean_tokens: number; message: string };
    expect(truncated).toMatchObject({ shorter: REQUESTS, requests: REQUESTS, share: 1, shorter_mean_tokens: 4, requested_mean_tokens: 16 });
    expect(truncated.message).toContain('4 of 4 requests (100.0%) ended shorter than asked, typically at 4 tokens of 16 asked');
    expect(consoleReport(result)).toContain(`Warning: ${truncated.message}`);
    expect(renderMarkdown(result)).toContain('**Warning**: --ignore-eos: 4 of 4 requests');
  });

  it('is not flagged without --ignore-eos (a model may stop early), nor when the server honours it', async () => {
    const plain = await run(withUsage('4'));
    expect(plain.result.summary.output_truncated).toBeNull();
    await server?.close();
    server = null;
    mock = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 8 });
    const config = testConfig(mock.url, { requests: 20, concurrency: 4, outputTokens: 12, ignoreEos: true });
    const outcome = await runLoad(config);
    const result = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
    expect(outcome.totals.succeeded).toBe(20);
    expect(result.summary.output_truncated).toBeNull();
    expect(consoleReport(result)).not.toMatch(/ended shorter than asked/);
  });
});
