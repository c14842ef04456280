// Which ITL the reports show (per chunk, per token) and speculative decoding's section, from real runs against the simulator.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/api/run-load.js';
import { clusterSections } from '../../src/cluster/report-sections.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { consoleReport } from '../../src/report/console.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { itlNote, tokensPerChunk } from '../../src/report/token-level.js';

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 2, outputTokens: 40, specTokens: 4, specAccept: 0.8, seed: 2 });
});
afterAll(async () => {
  await sim.close();
});

const run = (extra: Record<string, unknown>): Promise<ResultDocument> =>
  runLoad({ url: sim.url, concurrency: 2, requests: 8, out: mkdtempSync(join(tmpdir(), 'llmperf-tl-')), format: 'json', ...extra });

describe('ITL per chunk vs per token in the reports', () => {
  it('several tokens a chunk, no per-token count: every format warns that ITL is per chunk', async () => {
    const result = await run({});
    const chunk = tokensPerChunk(result)!;
    expect(chunk.measured).toBe(false);
    expect(chunk.mean).toBeGreaterThan(1.2);
    const note = itlNote(result)!;
    expect(note.warning).toBe(true);
    expect(note.text).toContain(`ITL is per chunk; ${chunk.mean.toFixed(1)} tokens per chunk on average`);
    expect(note.text).toContain('use --continuous-usage or --tokenizer');
    const console = consoleReport(result);
    expect(console).toContain(`Warning: ${note.text}`);
    expect(console).toContain('Mean ITL per chunk (ms)');
    expect(console).toContain('Time per package (ITL per chunk)');
    expect(renderMarkdown(result)).toContain('> **Warning**: ITL is per chunk;');
    expect(renderHtml(result, null, [], [])).toContain('Warning: ITL is per chunk;');
  });

  it('with --continuous-usage: both ITLs side by side, labelled, and tokens per chunk', async () => {
    const result = await run({ continuousUsage: true });
    const note = itlNote(result)!;
    expect(note.warning).toBe(false);
    expect(note.text).toMatch(/^ITL \(itl_ms\) is per chunk, .* chunks carried \d\.\d\d tokens on average \(the server’s usage in every chunk\)/);
    const console = consoleReport(result);
    for (const label of ['Mean ITL per chunk (ms)', 'Mean ITL per token (ms)', 'P99 ITL per token (ms)', 'Mean tokens per chunk']) expect(console).toContain(label);
    expect(console).toContain(`Note: ${note.text}`);
    const html = renderHtml(result, null, [], []);
    expect(html).toContain('ITL p99, per chunk');
    expect(html).toContain('per token: ');
    // Per token is per chunk divided by the chunk's tokens: smaller on average when chunks carry several.
    expect(result.summary.itl_per_token_ms!.mean).toBeLessThan(result.summary.itl_ms.mean);
  });

  it('one token a chunk: nothing to say, and the vLLM row names stay as they are', async () => {
    const plain = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, outputTokens: 20 });
    try {
      const result = await runLoad({ url: plain.url, concurrency: 2, requests: 4, out: mkdtempSync(join(tmpdir(), 'llmperf-tl-')), format: 'json' });
      expect(itlNote(result)).toBeNull();
      expect(consoleReport(result)).toContain('Mean ITL (ms)');
      expect(consoleReport(result)).not.toContain('ITL per chunk');
    } finally {
      await plain.close();
    }
  });

  it('speculative decoding: one console line and an HTML section with the result.json keys', async () => {
    const result = await run({ serverMetrics: `${sim.url}/metrics`, continuousUsage: true });
    expect(consoleReport(result)).toMatch(/Speculative decoding \(vLLM counters over the run\): acceptance rate \d+\.\d%/);
    const html = renderHtml(result, null, clusterSections(result), []);
    expect(html).toContain('id="speculative-table"');
    for (const key of ['acceptance_rate', 'mean_acceptance_length', 'per_position_acceptance[3]']) expect(html).toContain(`data-metric="${key}"`);
  });
});
