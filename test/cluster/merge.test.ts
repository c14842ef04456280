// Merging results: lossless histograms, summed counters, the union window; associative, order-independent, identity on one.
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs, runMerge } from '../../src/cli/merge.js';
import { buildResult } from '../../src/engine/result.js';
import { RequestLog } from '../../src/engine/request-log.js';
import { runLoad } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { weightedFromHistogram } from '../../src/metrics/histogram-values.js';
import { mergeResults, totalsOf } from '../../src/metrics/merge.js';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { writeReports } from '../../src/report/index.js';
import { readRequestRecords } from '../../src/report/requests-file.js';
import { testConfig } from '../helpers/config.js';

let server: MockServer;
const runs: Array<{ result: ResultDocument; dir: string }> = [];

/** A real run against the simulator, written to its own folder like `llmperf run --out` does. */
async function realRun(overrides: Parameters<typeof testConfig>[1], shard?: { index: number; count: number }): Promise<{ result: ResultDocument; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-merge-'));
  const config = testConfig(server.url, overrides);
  const log = new RequestLog(join(dir, 'requests.csv'));
  const startedAt = new Date();
  const outcome = await runLoad(config, { onRecord: (record) => log.append(record) });
  log.close();
  const result = buildResult(config, outcome, { startedAt, endedAt: new Date(), simulated: true, extraConfig: shard ? { shard: `${shard.index}/${shard.count}` } : {} });
  if (shard) result.shard = { index: shard.index, count: shard.count, label: `${shard.index}/${shard.count}`, host: 'test', start_at: null, start_late_ms: null, base_seed: 1, seed: 1 };
  await writeReports(dir, result, ['json']);
  return { result, dir };
}

beforeAll(async () => {
  // 10% HTTP 500s, so error counts and samples are merged too; a short sleep between runs staggers their windows.
  server = await startMockServer({ port: 0, ttftMs: 20, itlMs: 5, outputTokens: 20, faults: [{ kind: '500', rate: 0.1 }] });
  runs.push(await realRun({ concurrency: 4, requests: 40, seed: 1 }, { index: 0, count: 3 }));
  await new Promise((r) => setTimeout(r, 1200));
  runs.push(await realRun({ concurrency: 2, requests: 30, seed: 2 }, { index: 1, count: 3 }));
  runs.push(await realRun({ concurrency: 3, requests: 24, seed: 3, ratePerS: 40 }, { index: 2, count: 3 }));
});
afterAll(async () => server?.close());

/** Everything a merge promises to preserve, with histograms compared by content (encodings may differ byte-wise). */
function essence(doc: ResultDocument) {
  const histograms = Object.fromEntries(
    Object.entries(doc.histograms).map(([key, encoded]) => {
      const w = weightedFromHistogram(decodeHistogram(encoded!));
      return [key, { values: [...w.values], counts: [...w.counts] }];
    }),
  );
  const { shards: _shards, shard: _shard, ...config } = doc.config;
  // Means re-weighted from rounded means can differ in the last digit between groupings: checked apart, with a tolerance.
  const { input_tokens_client_vs_server: _i, output_tokens_requested_vs_actual: _o, ...summary } = doc.summary;
  return { summary, totals: doc.totals, histograms, timeseries: doc.timeseries, config, started_at: doc.started_at, ended_at: doc.ended_at, merged: doc.merged };
}

describe('mergeResults', () => {
  it('adds counters, merges histograms bucket for bucket and takes the union window', () => {
    const docs = runs.map((r) => r.result);
    const merged = mergeResults(docs);
    const totals = docs.map(totalsOf);
    expect(merged.summary.sent).toBe(94);
    expect(merged.summary.succeeded).toBe(totals.reduce((s, t) => s + t.succeeded, 0));
    expect(merged.summary.failed).toBe(totals.reduce((s, t) => s + t.failed, 0));
    expect(merged.summary.failed).toBeGreaterThan(0);
    expect(merged.summary.errors).toEqual({ http_500: merged.summary.failed });
    expect(merged.summary.concurrency).toBe(9);
    expect(merged.config.concurrency).toBe(9);
    expect(merged.config.requests).toBe(94);
    expect(merged.config.rate).toBe(40);
    expect(merged.config.shards).toBe(3);
    expect(merged.config.shard).toBeUndefined();
    // Histogram counts add exactly, and every bucket of an input is in the merge.
    for (const key of ['ttft_ms', 'latency_ms', 'itl_ms'] as const) {
      const parts = docs.map((d) => decodeHistogram(d.histograms[key]!));
      const whole = decodeHistogram(merged.histograms[key]!);
      expect(whole.totalCount).toBe(parts.reduce((s, h) => s + h.totalCount, 0));
      expect(whole.maxValue).toBe(Math.max(...parts.map((h) => h.maxValue)));
      expect(whole.minNonZeroValue).toBe(Math.min(...parts.map((h) => h.minNonZeroValue)));
    }
    const first = Math.min(...totals.map((t) => t.first_send_epoch_ms!));
    const last = Math.max(...totals.map((t) => t.last_end_epoch_ms!));
    expect(merged.summary.duration_s).toBeCloseTo((last - first) / 1000, 3);
    expect(merged.summary.qps).toBeCloseTo(merged.summary.succeeded / merged.summary.duration_s, 1);
    // The time series covers the union and keeps every request: sums agree with the counters.
    const started = merged.timeseries.reduce((s, p) => s + p.started, 0);
    expect(started).toBe(totals.reduce((s, t) => s + t.sent, 0));
    expect(merged.timeseries.reduce((s, p) => s + p.finished, 0)).toBe(started);
    expect(merged.timeseries.at(-1)!.in_flight).toBe(0);
    expect(merged.timeseries.length).toBeGreaterThanOrEqual(Math.floor((last - first) / 1000));
    expect(merged.merged.count).toBe(3);
    expect(merged.merged.shards.map((s) => s.shard)).toEqual(['0/3', '1/3', '2/3']);
    expect(merged.merged.overlap_fraction).toBeLessThan(0.9);
    expect(merged.merged.notes.join('\n')).toMatch(/ran together for/);
  });

  it('gives a single result back', () => {
    const one = runs[1]!.result;
    const merged = mergeResults([one]);
    const { merged: _section, ...back } = essence(merged);
    const { merged: _none, ...original } = essence(one);
    expect(back).toEqual(original);
    expect(merged.merged.count).toBe(1);
  });

  it('does not depend on the order of the inputs', () => {
    const [a, b, c] = runs.map((r) => r.result) as [ResultDocument, ResultDocument, ResultDocument];
    const reference = essence(mergeResults([a, b, c]));
    for (const order of [[c, b, a], [b, a, c]]) expect(essence(mergeResults(order))).toEqual(reference);
  });

  it('is associative: (a+b)+c = a+(b+c) = (a+c)+b', () => {
    const [a, b, c] = runs.map((r) => r.result) as [ResultDocument, ResultDocument, ResultDocument];
    const flat = essence(mergeResults([a, b, c]));
    expect(essence(mergeResults([mergeResults([a, b]), c]))).toEqual(flat);
    expect(essence(mergeResults([a, mergeResults([b, c])]))).toEqual(flat);
    expect(essence(mergeResults([mergeResults([a, c]), b]))).toEqual(flat);
    const reweighted = (doc: ResultDocument) => doc.summary.input_tokens_client_vs_server as { compared: number; mean_difference: number } | null;
    const whole = reweighted(mergeResults([a, b, c]));
    const nested = reweighted(mergeResults([mergeResults([a, b]), c]));
    expect(nested?.compared).toBe(whole?.compared);
    if (whole && nested) expect(Math.abs(nested.mean_difference - whole.mean_difference)).toBeLessThanOrEqual(0.002);
  });

  it('refuses the same shard twice and results without totals', () => {
    const a = runs[0]!.result;
    expect(() => mergeResults([a, a])).toThrow(/shard 0\/3 appears twice/);
    const { totals: _t, ...old } = a;
    expect(() => mergeResults([old as ResultDocument])).toThrow(/totals/);
  });
});

describe('llmperf merge (runMerge)', () => {
  it('writes a merged result.json and one requests.csv with a shard column, global indexes and one time origin', async () => {
    const out = mkdtempSync(join(tmpdir(), 'llmperf-merged-'));
    const lines: string[] = [];
    const { result, exitCode } = await runMerge(runs.map((r) => r.dir), { out, format: 'json,html', slo: ['error_rate < 0.9'] }, (t) => lines.push(t));
    expect(exitCode).toBe(0);
    expect(lines.join('\n')).toMatch(/Merged 3 results \(94 request rows\)/);
    const saved = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    expect(saved.summary.sent).toBe(94);
    expect(Array.isArray(saved.slo)).toBe(true);
    const records = readRequestRecords(join(out, 'requests.csv'));
    expect(records).toHaveLength(94);
    const text = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    expect(text[0]!.split(',').at(-1)).toBe('shard');
    const shardOf = text.slice(1).map((line) => line.split(',').at(-1));
    expect(new Set(shardOf)).toEqual(new Set(['0/3', '1/3', '2/3']));
    // Shard I's local index j became j*3 + I: the indexes of shard 1 are all 1 mod 3.
    const indexes = text.slice(1).filter((l) => l.endsWith(',1/3')).map((l) => Number(l.split(',')[0]));
    expect(indexes.every((i) => i % 3 === 1)).toBe(true);
    expect(indexes).toHaveLength(30);
    // One time origin: sorted by start, the first at 0, the later shard (after the pause) starting past 1 s.
    const starts = records.map((r) => r.start_ms);
    expect(starts).toEqual(starts.slice().sort((x, y) => x - y));
    // The origin is the first shard's first dispatch; start_ms is when a request was written to its socket
    // (after its connection was handed over), so the first row sits at 0 or a fraction of a millisecond past it.
    expect(starts[0]).toBeGreaterThanOrEqual(0);
    expect(starts[0]).toBeLessThan(100);
    const firstOfShard1 = Math.min(...text.slice(1).filter((l) => l.endsWith(',1/3')).map((l) => Number(l.split(',')[1])));
    expect(firstOfShard1).toBeGreaterThan(1000);
    expect(records.filter((r) => !r.ok)).toHaveLength(result.summary.failed);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="shards"');
    expect(html).toContain('0/3');
  });

  it('takes a folder of shard folders (what the Kubernetes merge step passes), skipping its own output', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'llmperf-run-'));
    runs.forEach((run, i) => cpSync(run.dir, join(parent, `shard-${i}`), { recursive: true }));
    mkdirSync(join(parent, 'empty'));
    const out = join(parent, 'merged');
    expect(expandInputs([parent], out)).toEqual([0, 1, 2].map((i) => join(parent, `shard-${i}`)));
    const first = await runMerge([parent], { out, format: 'json', slo: [] }, () => {});
    expect(first.result.merged.count).toBe(3);
    // Run again: merged/ now holds a result.json of its own, and must not be merged into itself.
    expect(expandInputs([parent], out)).toHaveLength(3);
    expect(() => expandInputs([join(parent, 'empty')], out)).toThrow(/no result.json/);
  });

  it('re-merging a merged folder keeps every row, its shard label and its run-wide index', async () => {
    const partial = mkdtempSync(join(tmpdir(), 'llmperf-partial-'));
    await runMerge([runs[0]!.dir, runs[1]!.dir], { out: partial, format: 'json', slo: [] }, () => {});
    const whole = mkdtempSync(join(tmpdir(), 'llmperf-whole-'));
    const flat = mkdtempSync(join(tmpdir(), 'llmperf-flat-'));
    await runMerge([partial, runs[2]!.dir], { out: whole, format: 'json', slo: [] }, () => {});
    await runMerge(runs.map((r) => r.dir), { out: flat, format: 'json', slo: [] }, () => {});
    // Each merge is a run of its own: its id is in its result.json and every row; the rows are otherwise identical.
    const runId = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).run_id as string;
    expect(runId(whole)).not.toBe(runId(flat));
    const rows = (dir: string) => readFileSync(join(dir, 'requests.csv'), 'utf8').split(runId(dir)).join('RUN');
    expect(readFileSync(join(whole, 'requests.csv'), 'utf8').split(runId(whole))).toHaveLength(95);
    expect(rows(whole)).toBe(rows(flat));
    expect(rows(whole).trim().split('\n')).toHaveLength(95);
  });

  it('says what is wrong in one line: no --out, a missing file', async () => {
    await expect(runMerge([runs[0]!.dir], { format: 'json', slo: [] })).rejects.toThrow(/--out/);
    await expect(runMerge(['/nonexistent/result.json'], { out: mkdtempSync(join(tmpdir(), 'x-')), format: 'json', slo: [] })).rejects.toThrow(/no such result/);
  });
});
