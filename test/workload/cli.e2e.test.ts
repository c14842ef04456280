// The workload flags through the built CLI against the built-in simulator, as a user runs them.
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli } from '../helpers/cli.js';
import { tokenizerFolder, wordLevelTokenizer } from './tokenizer-files.js';

const out = () => mkdtempSync(join(tmpdir(), 'llmperf-wl-cli-'));
const FAST_SIM = ['--sim-ttft', '5', '--sim-itl', '1'];

async function result(args: string[]): Promise<ResultDocument> {
  const run = await runCli([...args, ...FAST_SIM, '--json', '-q', '--out', out()], { timeoutMs: 90_000 });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ResultDocument;
}

describe('llmperf run with workload flags', () => {
  it('random 1024 in, 128 out, Poisson at 20/s for a duration: the result shows the asked lengths', async () => {
    // The issue's own command (shorter, plus --ignore-eos), with the default open-loop cap: it must pass the open-file check.
    const doc = await result(['--dataset', 'random', '--input-tokens', '1024', '--output-tokens', '128', '--ignore-eos', '--rate', '20', '--arrival', 'poisson', '--duration', '3s']);
    expect(doc.summary.succeeded).toBeGreaterThan(30); // 60 expected in 3 s; Poisson noise and a slow start allowed
    expect(doc.summary.input_tokens_per_request).toBe(1024);
    expect(doc.summary.output_tokens_per_request).toBe(128);
    expect(doc.summary.output_tokens_requested_vs_actual).toMatchObject({ requested_mean: 128, actual_mean: 128, shorter: 0 });
    expect(doc.config).toMatchObject({ dataset: 'random', input_tokens: '1024', arrival: 'poisson', ignore_eos: true, tokenizer: 'approx:4-chars-per-token' });
  });

  it('sharegpt from a path: the recorded reply lengths become max_tokens', async () => {
    const doc = await result(['--dataset', 'sharegpt', '--dataset-path', 'prompts/sharegpt.json', '-n', '16', '-c', '4', '--sim-output-tokens', '1000']);
    expect(doc.summary.succeeded).toBe(16);
    expect(doc.config.prompt_source).toBe('prompts/sharegpt.json');
    const lengths = doc.summary.output_tokens_requested_vs_actual as { exact: number; requests: number };
    expect(lengths.exact).toBe(16); // the simulator's natural length (1000) is longer than every recorded reply
  });

  it('multi-turn from the shipped sample: first-turn and later-turn TTFT', async () => {
    const doc = await result(['--dataset', 'multi-turn', '-n', '6', '-c', '2']);
    expect(doc.summary.succeeded).toBe(18); // the sample's 6 conversations have 18 turns
    expect((doc.summary.ttft_first_turn_ms as { count: number }).count).toBe(6);
    expect((doc.summary.ttft_later_turns_ms as { count: number }).count).toBe(12);
  });

  it('multi-turn over two engine threads: turns, per-turn TTFTs and workload counters merge exactly', async () => {
    const doc = await result(['--dataset', 'multi-turn', '-n', '6', '-c', '2', '--workers', '2']);
    expect(doc.summary.succeeded).toBe(18);
    expect((doc.summary.ttft_first_turn_ms as { count: number }).count).toBe(6);
    expect((doc.summary.ttft_later_turns_ms as { count: number }).count).toBe(12);
    expect((doc.summary.output_tokens_requested_vs_actual as { requests: number }).requests).toBe(18);
  });

  it('--tokenizer: client counts by the real tokenizer, compared with the server', async () => {
    const folder = tokenizerFolder(wordLevelTokenizer());
    const doc = await result(['--input-tokens', '50', '--tokenizer', folder, '-n', '8', '-c', '2']);
    expect(doc.config.tokenizer).toBe(`tokenizer:${folder}`);
    expect(doc.config.token_counts_exact_client).toBe(true);
    const comparison = doc.summary.input_tokens_client_vs_server as { client_total: number; compared: number };
    expect(comparison).toMatchObject({ compared: 8, client_total: 400 });
  });

  it('--api embeddings and gamma arrivals with a ramp', async () => {
    const embeddings = await result(['--api', 'embeddings', '-n', '10', '-c', '2']);
    expect(embeddings.summary.succeeded).toBe(10);
    expect(embeddings.config.stream).toBe(false);
    const gamma = await result(['--rate', '40', '--arrival', 'gamma', '--burstiness', '0.5', '--ramp-up', '1s', '-n', '30', '--max-concurrency', '8']);
    expect(gamma.summary.succeeded).toBe(30);
    expect(gamma.config).toMatchObject({ arrival: 'gamma', burstiness: 0.5, ramp_up_s: 1, concurrency: 8 });
  });

  it('bad workload input: one line, exit 2, with file:line for a bad dataset record', async () => {
    const bad = join(out(), 'bad.jsonl');
    writeFileSync(bad, '{"prompt":"fine"}\n{"prompt":42}\n');
    for (const [args, message] of [
      [['--dataset', 'csv'], '--dataset csv: must be one of'],
      [['--arrival', 'uniform', '--rate', '5'], '--arrival uniform: must be one of poisson, constant, gamma'],
      [['--burstiness', '0.5', '--rate', '5'], '--burstiness shapes gamma arrivals'],
      [['--input-tokens', 'lots'], '--input-tokens lots'],
      [['--dataset', 'jsonl', '--dataset-path', bad], `${bad}:2: needs a non-empty "prompt"`],
      [['--tokenizer', 'nobody/nothing'], '--tokenizer nobody/nothing: not a file'],
    ] as const) {
      const run = await runCli([...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
