// The simulator's speculative mode: tokens per event follow the acceptance model, and /metrics equals its own truth.
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { expectedStepTokens } from '../../src/mock/speculative.js';
import { countTokens } from '../../src/mock/tokens.js';
import { parsePrometheusText } from '../../src/cluster/prometheus.js';
import { get, post } from './helpers.js';

let server: MockServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

interface StreamedEvent {
  text: string;
  completionTokens: number;
}

/** The content events of one streamed chat answer, with the cumulative completion_tokens each carried (continuous usage). */
async function streamEvents(url: string, maxTokens: number): Promise<StreamedEvent[]> {
  const response = await post(url, '/v1/chat/completions', {
    model: 'm',
    messages: [{ role: 'user', content: 'hello there' }],
    stream: true,
    max_tokens: maxTokens,
    stream_options: { include_usage: true, continuous_usage_stats: true },
  });
  const out: StreamedEvent[] = [];
  for (const e of response.events) {
    if (e.data === '[DONE]') continue;
    const chunk = JSON.parse(e.data) as { choices: Array<{ delta?: { content?: string } }>; usage?: { completion_tokens: number } };
    const text = chunk.choices[0]?.delta?.content;
    if (text) out.push({ text, completionTokens: chunk.usage!.completion_tokens });
  }
  return out;
}

describe('simulator speculative decoding (--spec-tokens K --spec-accept P)', () => {
  it('streams accepted+1 tokens per step in one event, distributed as the acceptance model says, and /metrics equals its truth', async () => {
    const K = 4;
    const P = 0.6;
    server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0.2, outputTokens: 400, specTokens: K, specAccept: P, seed: 11 });
    const requests = 12;
    const perEvent: number[] = [];
    const firstEvents: number[] = [];
    for (let r = 0; r < requests; r++) {
      const events = await streamEvents(server.url, 400);
      let before = 0;
      events.forEach((e, i) => {
        const tokens = e.completionTokens - before;
        before = e.completionTokens;
        // The simulator's words are one token each by its own rule: the text agrees with the usage count.
        expect(countTokens(e.text)).toBe(tokens);
        (i === 0 ? firstEvents : perEvent).push(tokens);
      });
      expect(before).toBe(400);
    }
    // The prefill's token comes alone; decode steps carry 1..K+1.
    expect(firstEvents.every((n) => n === 1)).toBe(true);
    expect(Math.max(...perEvent)).toBe(K + 1);
    expect(Math.min(...perEvent)).toBe(1);

    const stats = await server.stats();
    const truth = stats.spec!;
    // What the client saw is the simulator's record, event for event.
    const seen = new Array<number>(K + 2).fill(0);
    for (const n of [...firstEvents, ...perEvent]) seen[n]!++;
    expect(seen).toEqual(truth.eventsByTokens);
    expect(truth.drafts).toBe(perEvent.length);
    expect(truth.draftTokens).toBe(K * perEvent.length);
    // Every step emitted accepted + 1 tokens except a final step cut short by max_tokens (at most one per request).
    const emittedAfterFirst = perEvent.reduce((a, b) => a + b, 0);
    expect(truth.acceptedTokens + truth.drafts - emittedAfterFirst).toBeGreaterThanOrEqual(0);
    expect(truth.acceptedTokens + truth.drafts - emittedAfterFirst).toBeLessThanOrEqual(requests * K);
    // Sequential acceptance: position i accepted only if every earlier one was.
    for (let i = 1; i < K; i++) expect(truth.acceptedPerPos[i]!).toBeLessThanOrEqual(truth.acceptedPerPos[i - 1]!);
    expect(truth.acceptedPerPos.reduce((a, b) => a + b, 0)).toBe(truth.acceptedTokens);

    // The distribution: P(position i accepted) = P^(i+1); mean tokens per step = sum P^i (i = 0..K). ~1,900 steps.
    for (let i = 0; i < K; i++) expect(Math.abs(truth.acceptedPerPos[i]! / truth.drafts - P ** (i + 1))).toBeLessThan(0.04);
    const meanStep = 1 + truth.acceptedTokens / truth.drafts;
    expect(Math.abs(meanStep - expectedStepTokens(K, P))).toBeLessThan(0.08);

    // /metrics serves exactly that truth under vLLM's names (and SGLang's gauges).
    const page = await get(server.url, '/metrics');
    const values = parsePrometheusText(page.text);
    expect(values.get('vllm:spec_decode_num_drafts_total')).toBe(truth.drafts);
    expect(values.get('vllm:spec_decode_num_draft_tokens_total')).toBe(truth.draftTokens);
    expect(values.get('vllm:spec_decode_num_accepted_tokens_total')).toBe(truth.acceptedTokens);
    for (let i = 0; i < K; i++) expect(page.text).toContain(`vllm:spec_decode_num_accepted_tokens_per_pos_total{engine="0",model_name="llmperf-sim",position="${i}"} ${truth.acceptedPerPos[i]!.toFixed(1)}`);
    expect(values.get('sglang:spec_accept_length')).toBeCloseTo(1 + truth.acceptedTokens / truth.drafts, 9);
    expect(values.get('vllm:generation_tokens_total')).toBe(requests * 400);
  });

  it('is off by default: one token an event, no spec-decode series', async () => {
    server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0.2, outputTokens: 20 });
    const events = await streamEvents(server.url, 20);
    expect(events.map((e) => e.completionTokens)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await get(server.url, '/metrics')).text).not.toContain('spec_decode');
    expect((await server.stats()).spec).toBeUndefined();
  });

  it('accepts everything at P = 1 and nothing at P = 0', async () => {
    server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0.2, outputTokens: 21, specTokens: 3, specAccept: 1 });
    expect((await streamEvents(server.url, 21)).map((e) => e.completionTokens)).toEqual([1, 5, 9, 13, 17, 21]);
    await server.close();
    server = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0.2, outputTokens: 5, specTokens: 3, specAccept: 0 });
    expect((await streamEvents(server.url, 5)).map((e) => e.completionTokens)).toEqual([1, 2, 3, 4, 5]);
    const truth = (await server.stats()).spec!;
    expect([truth.drafts, truth.draftTokens, truth.acceptedTokens]).toEqual([4, 12, 0]);
  });

  it('rejects a bad option with one line', async () => {
    await expect(startMockServer({ port: 0, specTokens: 2, specAccept: 1.5 })).rejects.toThrow(/specAccept must be between 0 and 1/);
  });
});
