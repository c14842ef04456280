// The workload through the real engine and the real simulator: multi-turn histories, ignore_eos, reasoning,
// embeddings, ramp-up, arrival kinds and seeded reproducibility.
import { afterAll, describe, expect, it } from 'vitest';
import { buildResult } from '../../src/engine/result.js';
import { runLoad, type LoadConfig } from '../../src/engine/run.js';
import { startMockServer, type MockOptions, type MockServer } from '../../src/mock/index.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
async function mock(options: Partial<MockOptions>): Promise<MockServer> {
  const server = await startMockServer({ port: 0, contention: 0, ...options });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function run(config: LoadConfig) {
  const outcome = await runLoad(config);
  return buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
}

type Body = { messages: Array<{ role: string; content: string }>; max_tokens?: number; ignore_eos?: boolean; min_tokens?: number };

describe('multi-turn conversations', () => {
  it('each turn is sent after the reply, with the whole history and the real reply, in order', async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 8 });
    const prompts = loadWorkload({ dataset: 'multi-turn', count: 0, seed: 1, counter: APPROX_COUNTER }).prompts;
    const replies = new Map<number, string>();
    const config = testConfig(server.url, { prompts, concurrency: 3, requests: prompts.length });
    const outcome = await runLoad(config, { onRecord: (record, state) => replies.set(record.index, (state.contentPieces ?? []).join('')) });
    const expectedRequests = prompts.reduce((n, p) => n + 1 + p.turns!.length, 0);
    expect(outcome.totals.succeeded).toBe(expectedRequests);
    const bodies = (await server.stats()).recentBodies as Body[];
    expect(bodies).toHaveLength(expectedRequests);
    for (const prompt of prompts) {
      const first = prompt.messages[prompt.messages.length - 1]!.content;
      const mine = bodies.filter((b) => b.messages.find((m) => m.role === 'user')!.content === first);
      // Arrival order at the server: the history grows by one reply and one user turn each time.
      expect(mine).toHaveLength(1 + prompt.turns!.length);
      mine.forEach((body, turn) => {
        expect(body.messages).toHaveLength(prompt.messages.length + 2 * turn);
        if (turn === 0) return;
        const previous = mine[turn - 1]!.messages;
        expect(body.messages.slice(0, previous.length)).toEqual(previous);
        expect(body.messages[previous.length]!.role).toBe('assistant');
        expect(body.messages[previous.length]!.content.length).toBeGreaterThan(0);
        expect(body.messages[previous.length + 1]).toEqual({ role: 'user', content: prompt.turns![turn - 1] });
      });
    }
    // The assistant turns are the model's real replies, as the engine received them.
    const sentReplies = new Set(bodies.flatMap((b) => b.messages.filter((m) => m.role === 'assistant').map((m) => m.content)));
    for (const reply of sentReplies) expect([...replies.values()]).toContain(reply);
  });

  it('reports first-turn and later-turn TTFT apart', async () => {
    const server = await mock({ ttftMs: 5, itlMs: 1, outputTokens: 4 });
    const prompts = loadWorkload({ dataset: 'multi-turn', count: 0, seed: 1, counter: APPROX_COUNTER }).prompts;
    const result = await run(testConfig(server.url, { prompts, concurrency: 2, requests: 12 }));
    const first = result.summary.ttft_first_turn_ms as { count: number; p50: number };
    const later = result.summary.ttft_later_turns_ms as { count: number };
    // 12 conversations cycle the 6 in the sample twice: 12 first turns, 2 x 12 later turns (2+3+1+2+1+3).
    expect(first.count).toBe(12);
    expect(later.count).toBe(24);
    expect(result.summary.succeeded).toBe(36);
    expect(first.p50).toBeGreaterThanOrEqual(5);
  });
});

describe('output length control', () => {
  it('--ignore-eos sends ignore_eos and min_tokens; the simulator honours them; requested and actual match', async () => {
    const server = await mock({ ttftMs: 2, itlMs: 0, outputTokens: 10 });
    const result = await run(testConfig(server.url, { outputTokens: 40, ignoreEos: true, requests: 12 }));
    const stats = await server.stats();
    expect(stats.ignoreEosRequests).toBe(12);
    expect(stats.minTokensRequests).toBe(12);
    for (const body of stats.recentBodies as Body[]) {
      expect(body.ignore_eos).toBe(true);
      expect(body.min_tokens).toBe(40);
      expect(body.max_tokens).toBe(40);
    }
    expect(result.summary.output_tokens_per_request).toBe(40);
    expect(result.summary.output_tokens_requested_vs_actual).toEqual({ requests: 12, requested_mean: 40, actual_mean: 40, shorter: 0, exact: 12, longer: 0 });
  });

  it('without it the model stops at its own EOS, and the result shows the shortfall', async () => {
    const server = await mock({ ttftMs: 2, itlMs: 0, outputTokens: 10 });
    const result = await run(testConfig(server.url, { outputTokens: 40, requests: 8 }));
    expect((await server.stats()).ignoreEosRequests).toBe(0);
    expect(result.summary.output_tokens_requested_vs_actual).toMatchObject({ requested_mean: 40, actual_mean: 10, shorter: 8 });
  });

  it('per-prompt lengths (a dataset or a distribution) become each request\'s max_tokens', async () => {
    const server = await mock({ ttftMs: 2, itlMs: 0, outputTokens: 1000 });
    const { prompts } = loadWorkload({ dataset: 'openai-batch', count: 0, seed: 1, counter: APPROX_COUNTER });
    await run(testConfig(server.url, { prompts, outputTokens: 7, concurrency: 1, requests: prompts.length, seed: 0 }));
    const sent = ((await server.stats()).recentBodies as Body[]).map((b) => b.max_tokens).sort((a, b) => a! - b!);
    // The last sample line has no max_tokens: the run's value (7) applies.
    expect(sent).toEqual([7, 64, 80, 96, 160, 200]);
  });
});

describe('client vs server input counts', () => {
  it('random prompts by the default rule are exactly the asked length for the simulator; a mismatch is shown', async () => {
    const server = await mock({ ttftMs: 2, itlMs: 0, outputTokens: 4 });
    const { prompts } = loadWorkload({ inputTokens: { kind: 'fixed', tokens: 300 }, count: 10, seed: 1, counter: APPROX_COUNTER });
    const exact = await run(testConfig(server.url, { prompts, requests: 10 }));
    expect(exact.summary.input_tokens_per_request).toBe(300);
    expect(exact.summary.input_tokens_client_vs_server).toEqual({ compared: 10, client_total: 3000, server_total: 3000, mean_difference: 0, mean_abs_difference: 0, differing: 0 });
    // Plain-text lines count differently by the simulator's rule than by 4 characters: the difference is reported.
    const lines = loadWorkload({ dataset: 'lines', count: 0, seed: 1, counter: APPROX_COUNTER }).prompts;
    const differ = await run(testConfig(server.url, { prompts: lines, requests: 10 }));
    const comparison = differ.summary.input_tokens_client_vs_server as { differing: number; compared: number };
    expect(comparison.compared).toBe(10);
    expect(comparison.differing).toBeGreaterThan(0);
  });
});

describe('reasoning models', () => {
  for (const field of ['reasoning_content', 'reasoning'] as const) {
    it(`${field} deltas: time to first reasoning token and to first answer token, and reasoning counts`, async () => {
      const server = await mock({ ttftMs: 20, itlMs: 5, outputTokens: 6, reasoningTokens: 10, reasoningField: field });
      const result = await run(testConfig(server.url, { requests: 6, concurrency: 2 }));
      const s = result.summary;
      expect(s.succeeded).toBe(6);
      expect(s.reasoning_tokens_per_request).toBe(10);
      expect(s.ttfrt_ms!.count).toBe(6);
      expect(s.ttfat_ms!.count).toBe(6);
      // The answer starts after 10 reasoning tokens at 5 ms each: at least ~45 ms after the first reasoning token.
      expect(s.ttfat_ms!.p50 - s.ttfrt_ms!.p50).toBeGreaterThan(40);
      expect(s.ttfrt_ms!.p50).toBeGreaterThanOrEqual(19);
    });
  }
});

describe('embeddings', () => {
  it('load-tests /v1/embeddings: requests/s, latency, input tokens from usage, no output tokens', async () => {
    const server = await mock({ ttftMs: 10 });
    const { prompts } = loadWorkload({ inputTokens: { kind: 'fixed', tokens: 64 }, count: 4, seed: 1, counter: APPROX_COUNTER });
    const result = await run(testConfig(server.url, { api: 'embeddings', stream: false, prompts, requests: 20, concurrency: 4 }));
    const s = result.summary;
    expect(s.succeeded).toBe(20);
    expect(s.failed).toBe(0);
    expect(s.input_tokens_per_request).toBe(64);
    expect(s.input_tokens_per_s).toBeGreaterThan(0);
    expect(s.output_tokens_per_request).toBe(0);
    expect(s.token_counts_estimated).toBe(false);
    expect(s.latency_ms.p50).toBeGreaterThanOrEqual(10);
    expect(s.output_tokens_requested_vs_actual).toBeNull();
    const body = (await server.stats()).recentBodies[0] as { input: string; model: string };
    expect(body.input).toBe(prompts.find((p) => p.text === body.input)!.text);
  });
});

describe('arrivals and ramp-up through the engine', () => {
  it('closed-loop ramp-up: concurrency grows from 1 to N instead of starting at N', async () => {
    const server = await mock({ ttftMs: 100, itlMs: 10, outputTokens: 10 });
    await runLoad(testConfig(server.url, { concurrency: 8, requests: 40, rampUpMs: 800 }));
    const stats = await server.stats();
    expect(stats.maxInFlight).toBe(8);
    const start = stats.arrivalTimesMs[0]!;
    // Allowed in flight at t ms is ceil(8 t / 800): at most 2 up to 200 ms. A late timer only lowers it; the
    // window is 150 ms of server time because the first request's new connection may reach the server late.
    const early = stats.inFlightAtArrival.filter((_, i) => stats.arrivalTimesMs[i]! - start < 150);
    expect(Math.max(...early)).toBeLessThanOrEqual(2);
    // Without the ramp, 8 arrive at once.
    const flat = await mock({ ttftMs: 100, itlMs: 10, outputTokens: 10 });
    await runLoad(testConfig(flat.url, { concurrency: 8, requests: 16 }));
    expect((await flat.stats()).inFlightAtArrival.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('constant arrivals reach the server evenly; Poisson ones do not', async () => {
    const gapsCv = async (arrival: 'constant' | 'poisson') => {
      const server = await mock({ ttftMs: 2, itlMs: 0, outputTokens: 2 });
      await runLoad(testConfig(server.url, { ratePerS: 50, arrival, requests: 60, concurrency: 100 }));
      const times = (await server.stats()).arrivalTimesMs;
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      return Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length) / mean;
    };
    // Constant: 20 ms gaps with only timer jitter (a few ms on a busy machine); Poisson: CV near 1.
    expect(await gapsCv('constant')).toBeLessThan(0.5);
    expect(await gapsCv('poisson')).toBeGreaterThan(0.6);
  });

  it('the same seed sends the same prompts in the same order', async () => {
    const { prompts } = loadWorkload({ inputTokens: { kind: 'uniform', min: 10, max: 50 }, count: 20, seed: 4, counter: APPROX_COUNTER });
    const order = async (seed: number) => {
      const server = await mock({ ttftMs: 1, itlMs: 0, outputTokens: 1 });
      await runLoad(testConfig(server.url, { prompts, seed, concurrency: 1, requests: 20 }));
      return ((await server.stats()).recentBodies as Body[]).map((b) => b.messages[0]!.content);
    };
    const a = await order(11);
    expect(await order(11)).toEqual(a);
    expect(await order(12)).not.toEqual(a);
  });
});
