// --tokenizer: tokens per package counted at request end, checked against the simulator's own per-event token counts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDocument } from '../../src/engine/result.js';
import { tokensPerPackage } from '../../src/engine/package-tokens.js';
import { runLoad, type RunOutcome } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { weightedFromHistogram } from '../../src/metrics/histogram-values.js';
import { buildSummary } from '../../src/metrics/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { VOCABULARY } from '../../src/mock/tokens.js';
import { detokenizedEnds } from '../../src/workload/token-ends.js';
import { loadTokenizer } from '../../src/workload/tokenizer.js';
import { testConfig } from '../helpers/config.js';

/** GPT-2's byte -> printable character map (what a byte-level BPE tokenizer.json spells its vocabulary in). */
function byteChars(): string[] {
  const printable = [...Array(256).keys()].filter((b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255));
  const chars: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  return chars;
}

/**
 * A real byte-level BPE tokenizer.json whose merges make each of `words` (with its leading space) exactly one token,
 * as the simulator's own rule counts them: so the tokenizer's count is the simulator's truth, not an approximation.
 */
function wordTokenizer(words: readonly string[]): string {
  const chars = byteChars();
  const vocab: Record<string, number> = {};
  const add = (t: string) => (vocab[t] ??= Object.keys(vocab).length);
  chars.forEach(add);
  const merges: string[] = [];
  for (const word of words) {
    const encoded = [...Buffer.from(word, 'utf8')].map((b) => chars[b]!);
    let token = encoded[0]!;
    for (const next of encoded.slice(1)) {
      if (vocab[token + next] === undefined) merges.push(`${token} ${next}`);
      token = token + next;
      add(token);
    }
  }
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-words-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  return dir;
}

/** Exact counts per token count of the tokens-per-package histogram: index n = packages that carried n tokens. */
function packagesByTokens(outcome: RunOutcome, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  const w = weightedFromHistogram(decodeHistogram(outcome.histograms.tokens_per_package!));
  for (let i = 0; i < w.values.length; i++) counts[Math.round(w.values[i]!)]! += w.counts[i]!;
  return counts;
}

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('tokens per package by tokenizer', () => {
  it('a token belongs to the package its last character arrived in', () => {
    // Packages end at 4, 9, 9 (an empty one) and 12; tokens end at 2, 4, 6, 10, 12.
    expect(tokensPerPackage([4, 9, 9, 12], [2, 4, 6, 10, 12])).toEqual([2, 1, 0, 2]);
    // Decoded text 2x the streamed length (a normaliser): offsets are scaled onto the stream.
    expect(tokensPerPackage([2, 6], [2, 4, 8, 12])).toEqual([2, 2]);
  });

  it('detokenizes incrementally: a character split over byte tokens ends with its last byte', () => {
    const tok = loadTokenizer(wordTokenizer([' the', ' of']));
    const text = ' the é of';
    const ends = tok.tokenEnds!(text);
    // " the" (1 token), " " (1), "é" as two byte tokens both ending after it, " of" (1).
    expect(ends).toEqual([4, 5, 6, 6, 9]);
    expect(detokenizedEnds([], () => '')).toEqual([]);
  });

  it("under speculative decoding, counts every package's tokens exactly as the simulator sent them", { retry: 2 }, async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 2, outputTokens: 48, specTokens: 3, specAccept: 0.6, seed: 3 });
    const dir = wordTokenizer(VOCABULARY);
    const config = testConfig(sim.url, { packageTokenizer: dir, concurrency: 2, requests: 12 });
    const outcome = await runLoad(config);
    const summary = buildSummary(outcome.totals, outcome.histograms);
    expect(summary.succeeded).toBe(12);
    expect(configDocument(config).package_tokens).toBe(`tokenizer:${dir}`);
    // The simulator's record of how many tokens each event carried, event for event.
    const truth = (await sim.stats()).spec!.eventsByTokens;
    expect(packagesByTokens(outcome, truth.length)).toEqual(truth);
    expect(summary.tokens_per_package!.count).toBe(Math.round(summary.packages_per_request * 12));

    // ITL per token is each gap over its package's tokens: with gaps independent of the draws, mean(gap / n) ~ mean(gap) * mean(1 / n).
    const decodePackages = truth.reduce((sum, n, tokens) => (tokens === 0 ? sum : sum + n), 0) - 12;
    const meanInverse = (truth.reduce((sum, n, tokens) => (tokens === 0 ? sum : sum + n / tokens), 0) - 12) / decodePackages;
    expect(summary.itl_per_token_ms!.count).toBe(summary.itl_ms.count);
    expect(summary.itl_per_token_ms!.mean).toBeLessThan(summary.itl_ms.mean);
    expect(Math.abs(summary.itl_per_token_ms!.mean / (summary.itl_ms.mean * meanInverse) - 1)).toBeLessThan(0.25);

    // The server's own count (continuous usage) on a fresh simulator with the same seed agrees, package for package.
    await sim.close();
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 2, outputTokens: 48, specTokens: 3, specAccept: 0.6, seed: 3 });
    const usage = await runLoad(testConfig(sim.url, { continuousUsage: true, packageTokenizer: dir, concurrency: 2, requests: 12 }));
    const usageTruth = (await sim.stats()).spec!.eventsByTokens;
    expect(packagesByTokens(usage, usageTruth.length)).toEqual(usageTruth);
  });

  it('off without a tokenizer: nothing is kept per chunk and nothing recorded', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 10, specTokens: 2, specAccept: 0.5 });
    const outcome = await runLoad(testConfig(sim.url, { requests: 4 }));
    expect(outcome.histograms.tokens_per_package).toBeUndefined();
    expect(configDocument(testConfig(sim.url))).not.toHaveProperty('package_tokens');
  });
});

describe('--tokenizer through the run options', () => {
  it('turns tokens per package on for streams (also on --workers threads), and gives way to --continuous-usage', async () => {
    const { runLoad: runLoadApi } = await import('../../src/api/run-load.js');
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 24, specTokens: 2, specAccept: 0.5 });
    const dir = wordTokenizer(VOCABULARY);
    const out = () => mkdtempSync(join(tmpdir(), 'llmperf-pt-'));
    const counted = await runLoadApi({ url: sim.url, tokenizer: dir, concurrency: 2, requests: 8, workers: 2, out: out(), format: 'json' });
    expect(counted.config.package_tokens).toBe(`tokenizer:${dir}`);
    expect(counted.summary.tokens_per_package!.count).toBe(Math.round(counted.summary.packages_per_request * 8));
    const usage = await runLoadApi({ url: sim.url, tokenizer: dir, continuousUsage: true, concurrency: 2, requests: 8, out: out(), format: 'json' });
    expect(usage.config).not.toHaveProperty('package_tokens');
    expect(usage.config.continuous_usage).toBe(true);
    const unary = await runLoadApi({ url: sim.url, tokenizer: dir, stream: false, requests: 2, out: out(), format: 'json' });
    expect(unary.config).not.toHaveProperty('package_tokens');
  });
});

describe('retried requests', () => {
  it('a request retried after a 429 still counts its tokens per package (continuous usage and tokenizer alike)', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 12, specTokens: 2, specAccept: 0.5, faults: [{ kind: '429', rate: 0.5 }], seed: 4 });
    const dir = wordTokenizer(VOCABULARY);
    for (const overrides of [{ continuousUsage: true }, { packageTokenizer: dir }]) {
      const outcome = await runLoad(testConfig(sim.url, { ...overrides, retries: 5, concurrency: 2, requests: 10 }));
      const summary = buildSummary(outcome.totals, outcome.histograms);
      expect(summary.succeeded).toBe(10);
      expect(outcome.totals.retried ?? 0, 'some requests were retried').toBeGreaterThan(0);
      expect(summary.tokens_per_package!.count).toBe(outcome.totals.packages);
    }
  });
});

describe('the tokenizer CPU budget', () => {
  it('leaves requests out once tokenizing has taken more than its share of the time, and counts again when it has room', async () => {
    const { PackageTokenCounter, PackageTrace, TOKENIZE_CPU_SHARE } = await import('../../src/engine/package-tokens.js');
    // A clock the test drives: tokenizing costs 3 ms a request, fed back to back (far above the share) ...
    let clockMs = 0;
    const counter = new PackageTokenCounter((text) => ((clockMs += 3), [text.length]), () => clockMs);
    const recorded: number[] = [];
    const sink = { recordItlUs() {}, recordPackageAt() {}, recordPackageTokens: (tokens: number) => recorded.push(tokens) };
    const one = () => {
      const trace = new PackageTrace();
      trace.add(clockMs, null, 'hello');
      return counter.record(trace, sink);
    };
    const results = Array.from({ length: 200 }, one);
    // ... so requests pass while the time spent is within 100 ms + 10% of the time elapsed (here all of it tokenizing:
    // up to 111 ms, 38 requests), then every request is left out while no other time passes.
    expect(results.filter(Boolean).length).toBe(38);
    expect(recorded.length).toBe(38);
    // Time passes (the run goes on): room for 10% of it again.
    clockMs += (3 * 10) / TOKENIZE_CPU_SHARE;
    expect(one()).toBe(true);
  });
});
