// Speculative decoding over a run from --server-metrics: exact against the simulator's truth, and against vLLM's and SGLang's real page formats.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/api/run-load.js';
import { parsePrometheusText } from '../../src/cluster/prometheus.js';
import { ServerMetricsScraper } from '../../src/engine/server-metrics.js';
import { SpecDecodeTracker, type SpeculativeDecodingDocument } from '../../src/engine/spec-decode.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { startReplayServer, type ReplayServer } from './fixtures/replay-server.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A vLLM v1 page with speculative decoding on (prometheus_client format: sorted labels, `_created` samples, two engines). */
function vllmPage(drafts: number, draftTokens: number, accepted: number, perPos: number[]): string {
  const lines = [
    '# HELP vllm:num_requests_running Number of requests in model execution batches.',
    '# TYPE vllm:num_requests_running gauge',
    'vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 2.0',
  ];
  const counter = (name: string, help: string, total: number) => {
    lines.push(`# HELP ${name}_total ${help}`, `# TYPE ${name}_total counter`);
    // Two engines (data parallel): their counters add up.
    lines.push(`${name}_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} ${(total - Math.floor(total / 3)).toFixed(1)}`);
    lines.push(`${name}_total{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} ${Math.floor(total / 3).toFixed(1)}`);
    lines.push(`${name}_created{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.7332e+09`);
  };
  counter('vllm:spec_decode_num_drafts', 'Number of spec decoding drafts.', drafts);
  counter('vllm:spec_decode_num_draft_tokens', 'Number of draft tokens.', draftTokens);
  counter('vllm:spec_decode_num_accepted_tokens', 'Number of accepted tokens.', accepted);
  lines.push('# HELP vllm:spec_decode_num_accepted_tokens_per_pos_total Accepted tokens per draft position.', '# TYPE vllm:spec_decode_num_accepted_tokens_per_pos_total counter');
  perPos.forEach((n, i) => {
    lines.push(`vllm:spec_decode_num_accepted_tokens_per_pos_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct",position="${i}"} ${(n - Math.floor(n / 3)).toFixed(1)}`);
    lines.push(`vllm:spec_decode_num_accepted_tokens_per_pos_total{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct",position="${i}"} ${Math.floor(n / 3).toFixed(1)}`);
  });
  return lines.join('\n') + '\n';
}

/** Serves `pages[i]` to the i-th scrape (the last one again after that). */
async function pageServer(pages: string[]): Promise<ReplayServer> {
  let n = 0;
  const server = await startReplayServer({
    body: (res) => {
      const page = pages[Math.min(n++, pages.length - 1)]!;
      res.end(page);
    },
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
  });
  closers.push(() => server.close());
  return server;
}

describe('SpecDecodeTracker', () => {
  it('vLLM: counter increase first -> last scrape, summed over engines, per position kept apart', () => {
    const tracker = new SpecDecodeTracker();
    tracker.observe(parsePrometheusText(vllmPage(100, 300, 150, [70, 50, 30])));
    tracker.observe(parsePrometheusText(vllmPage(160, 480, 240, [100, 80, 40])));
    tracker.observe(parsePrometheusText(vllmPage(1100, 3300, 1650, [700, 550, 400])));
    const doc = tracker.document()!;
    expect(doc.source).toBe('vllm');
    expect([doc.drafts, doc.draft_tokens, doc.accepted_tokens]).toEqual([1000, 3000, 1500]);
    expect(doc.acceptance_rate).toBe(0.5);
    expect(doc.mean_acceptance_length).toBe(2.5);
    expect(doc.per_position_acceptance).toEqual([0.63, 0.5, 0.37]);
  });

  it('vLLM: a counter that went down (a restart) gives no delta, not a wrong one', () => {
    const tracker = new SpecDecodeTracker();
    tracker.observe(parsePrometheusText(vllmPage(500, 1500, 700, [300, 250, 150])));
    tracker.observe(parsePrometheusText(vllmPage(40, 120, 60, [30, 20, 10])));
    const doc = tracker.document()!;
    expect([doc.acceptance_rate, doc.mean_acceptance_length, doc.per_position_acceptance]).toEqual([null, null, null]);
  });

  it("SGLang: the mean of the gauge's samples after the first (which describes what ran before)", () => {
    const tracker = new SpecDecodeTracker();
    const page = (length: number, rate: number) =>
      `# HELP sglang:spec_accept_length The average acceptance length of speculative decoding.\n# TYPE sglang:spec_accept_length gauge\nsglang:spec_accept_length{model_name="qwen"} ${length}\n# TYPE sglang:spec_accept_rate gauge\nsglang:spec_accept_rate{model_name="qwen"} ${rate}\n`;
    for (const [length, rate] of [[9, 0.9], [3, 0.5], [0, 0], [2, 0.25]] as const) tracker.observe(parsePrometheusText(page(length, rate)));
    const doc = tracker.document()!;
    expect(doc.source).toBe('sglang');
    expect(doc.mean_acceptance_length).toBe(2.5);
    expect(doc.acceptance_rate).toBe(0.375);
    expect(doc.samples).toBe(2);
    expect(doc.drafts).toBeNull();
  });

  it('nothing to report without speculative decoding metrics', () => {
    const tracker = new SpecDecodeTracker();
    tracker.observe(parsePrometheusText('vllm:num_requests_running{model_name="m"} 1\n'));
    tracker.observe(parsePrometheusText('vllm:num_requests_running{model_name="m"} 1\n'));
    expect(tracker.document()).toBeNull();
  });
});

describe('--server-metrics speculative decoding', () => {
  it("the scraper reads vLLM's real page bytes: exact start -> end deltas however many scrapes fell between", async () => {
    const pages = [vllmPage(10, 30, 12, [8, 3, 1]), vllmPage(50, 150, 70, [40, 20, 10]), vllmPage(410, 1230, 612, [328, 183, 101])];
    const server = await pageServer(pages);
    const scraper = new ServerMetricsScraper(`${server.url}/metrics`, { intervalMs: 20 });
    await scraper.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const metrics = await scraper.finish(Date.now());
    expect(metrics.scrapes).toBeGreaterThanOrEqual(3);
    const doc = scraper.speculativeDecoding()!;
    expect([doc.drafts, doc.draft_tokens, doc.accepted_tokens]).toEqual([400, 1200, 600]);
    expect(doc.acceptance_rate).toBe(0.5);
    expect(doc.mean_acceptance_length).toBe(2.5);
    expect(doc.per_position_acceptance).toEqual([0.8, 0.45, 0.25]);
  });

  it("a run against the simulator's speculative mode reports its exact truth: acceptance rate, mean length, per position", async () => {
    const sim: MockServer = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 60, specTokens: 3, specAccept: 0.7, seed: 5 });
    closers.push(() => sim.close());
    const out = mkdtempSync(join(tmpdir(), 'llmperf-spec-'));
    const result = await runLoad({ url: sim.url, serverMetrics: `${sim.url}/metrics`, concurrency: 4, requests: 24, out, format: 'json,md' });
    const truth = (await sim.stats()).spec!;
    const spec = result.speculative_decoding as SpeculativeDecodingDocument;
    expect(result.summary.succeeded).toBe(24);
    // The simulator started fresh: its cumulative counts are the run's.
    expect([spec.drafts, spec.draft_tokens, spec.accepted_tokens]).toEqual([truth.drafts, truth.draftTokens, truth.acceptedTokens]);
    expect(spec.acceptance_rate).toBe(truth.acceptedTokens / truth.draftTokens);
    expect(spec.mean_acceptance_length).toBe(1 + truth.acceptedTokens / truth.drafts);
    expect(spec.per_position_acceptance).toEqual(truth.acceptedPerPos.map((n) => n / truth.drafts));
    // Every decode step after the first token is one draft: drafts = packages - requests.
    expect(truth.drafts).toBe(Math.round(result.summary.packages_per_request! * 24) - 24);
    const stored = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { speculative_decoding: SpeculativeDecodingDocument };
    expect(stored.speculative_decoding).toEqual(spec);
    const markdown = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(markdown).toContain(`mean acceptance length ${spec.mean_acceptance_length!.toFixed(2)} (1 + accepted / ${truth.drafts} drafts)`);
    // Several tokens a chunk and no per-token count asked for: the report warns that ITL is per chunk.
    expect(markdown).toMatch(/ITL is per chunk; \d\.\d tokens per chunk on average/);
  });
});

describe('llmperf merge', () => {
  it('keeps the speculative decoding of the shard that scraped the server longest (the counters are server-wide)', async () => {
    const { mergeResults } = await import('../../src/metrics/merge.js');
    const sim: MockServer = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 30, specTokens: 2, specAccept: 0.5 });
    closers.push(() => sim.close());
    const shard = () => runLoad({ url: sim.url, serverMetrics: sim.url, concurrency: 2, requests: 6, out: mkdtempSync(join(tmpdir(), 'llmperf-spec-')), format: 'json' });
    const first = await shard();
    const second = await shard();
    const scrapes = (r: typeof first) => (r.server_metrics as { scrapes: number }).scrapes;
    const longest = scrapes(second) > scrapes(first) ? second : first;
    const merged = mergeResults([first, second]);
    expect(merged.speculative_decoding).toEqual(longest.speculative_decoding);
    expect((merged.speculative_decoding as SpeculativeDecodingDocument).drafts).toBeGreaterThan(0);
  });
});
