// --continuous-usage: usage in every chunk gives tokens per package and ITL per token beside ITL per package.
import { afterEach, describe, expect, it } from 'vitest';
import { buildBody } from '../../src/engine/request-body.js';
import { configDocument } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { buildSummary } from '../../src/metrics/summary.js';
import { startMockServer } from '../../src/mock/index.js';
import { syntheticPrompts } from '../../src/workload/prompts.js';
import { testConfig } from '../helpers/config.js';
import { startReplayServer, type ReplayServer } from './fixtures/replay-server.js';

const chunk = (content: string, completionTokens: number) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: { prompt_tokens: 5, completion_tokens: completionTokens, total_tokens: 5 + completionTokens } })}\n\n`;

let replay: ReplayServer | null = null;
afterEach(async () => {
  await replay?.close();
  replay = null;
});

describe('--continuous-usage', () => {
  it('asks for continuous_usage_stats beside include_usage', () => {
    const [prompt] = syntheticPrompts(1, 8, 1);
    const body = JSON.parse(buildBody({ ...testConfig('http://127.0.0.1:1'), continuousUsage: true }, prompt!)) as { stream_options: unknown };
    expect(body.stream_options).toEqual({ include_usage: true, continuous_usage_stats: true });
    expect(configDocument({ ...testConfig('http://127.0.0.1:1'), continuousUsage: true }).continuous_usage).toBe(true);
    expect(configDocument(testConfig('http://127.0.0.1:1'))).not.toHaveProperty('continuous_usage');
  });

  it('speculative-style chunks of 3 tokens: tokens_per_package is 3 and ITL per token is a third of ITL per package', { retry: 2 }, async () => {
    // One token, then three packages of 3 tokens each, 30 ms apart (a draft of k=3 accepted whole every step).
    replay = await startReplayServer({
      body: (res) => {
        const frames = [chunk('a', 1), chunk('bcd', 4), chunk('efg', 7), chunk('hij', 10)];
        let i = 0;
        const next = () => {
          res.write(frames[i++]!);
          if (i < frames.length) setTimeout(next, 30);
          else res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
        };
        next();
      },
    });
    const outcome = await runLoad(testConfig(replay.url, { continuousUsage: true, requests: 4, concurrency: 2 }));
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(4);
    const perPackage = summary.tokens_per_package!;
    expect(perPackage.count).toBe(16);
    // HDR histograms keep 3 significant digits: 3 tokens may read as 3.001.
    expect([perPackage.min, perPackage.p50, perPackage.max].map(Math.round)).toEqual([1, 3, 3]);
    const perToken = summary.itl_per_token_ms!;
    expect(perToken.count).toBe(12);
    // The reference is the pooled ITL per package of the same requests: every gap delivered 3 tokens.
    expect(Math.abs(perToken.mean * 3 - summary.itl_ms.mean)).toBeLessThan(0.5);
    expect(summary.output_tokens_per_request).toBe(10);
  });

  it('against the simulator (one token a chunk): tokens_per_package is 1 and ITL per token equals ITL per package', async () => {
    const sim = await startMockServer({ port: 0, ttftMs: 5, itlMs: 4, outputTokens: 12 });
    try {
      const outcome = await runLoad(testConfig(sim.url, { continuousUsage: true, requests: 4, concurrency: 2 }));
      const summary = buildSummary(outcome.totals, outcome.histograms);
      expect(summary.succeeded).toBe(4);
      expect([Math.round(summary.tokens_per_package!.max), summary.tokens_per_package!.count]).toEqual([1, 48]);
      expect(summary.itl_per_token_ms!.count).toBe(44);
      expect(Math.abs(summary.itl_per_token_ms!.mean - summary.itl_ms.mean)).toBeLessThan(0.01);
      // Without the flag nothing is asked and nothing is recorded.
      const plain = await runLoad(testConfig(sim.url, { requests: 2 }));
      expect(buildSummary(plain.totals, plain.histograms).tokens_per_package).toBeUndefined();
    } finally {
      await sim.close();
    }
  });
});
