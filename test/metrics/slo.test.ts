// SLO grammar, evaluation against a result, per-request thresholds and goodput.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { allPassed, evaluateSlos, goodput, parseSlo, requestMeetsSlos, sloTable } from '../../src/metrics/slo.js';
import { syntheticRun } from '../report/fixture.js';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer } from '../../src/mock/index.js';
import { parseModelMix } from '../../src/workload/model-mix.js';
import { testConfig } from '../helpers/config.js';

describe('parseSlo', () => {
  it('reads percentile, summary and per-request forms', () => {
    expect(parseSlo('ttft_ms.p99 < 500')).toMatchObject({ metric: 'ttft_ms', stat: 'p99', op: '<', threshold: 500, per_request: false });
    expect(parseSlo(' error_rate<0.01 ')).toMatchObject({ expression: 'error_rate<0.01', metric: 'error_rate', stat: null, op: '<', threshold: 0.01, per_request: false });
    expect(parseSlo('failed > 0')).toMatchObject({ metric: 'failed', op: '>', threshold: 0 });
    expect(parseSlo('output_tokens_per_s >= 100')).toMatchObject({ metric: 'output_tokens_per_s', op: '>=', threshold: 100 });
    expect(parseSlo('ttft_ms < 1000')).toMatchObject({ metric: 'ttft_ms', stat: null, per_request: true });
    expect(parseSlo('tpot_ms <= 50')).toMatchObject({ metric: 'tpot_ms', op: '<=', per_request: true });
    expect(parseSlo('latency_ms.p99.9 < 2e3')).toMatchObject({ stat: 'p99.9', threshold: 2000 });
    expect(parseSlo('errors.timeout == 0')).toMatchObject({ metric: 'errors', stat: 'timeout', op: '==' });
  });

  it.each([
    ['ttft_ms.p99 500', 'expected METRIC[.STAT] OP NUMBER'],
    ['ttft_ms.p99 < fast', 'expected METRIC[.STAT] OP NUMBER'],
    ['ttft.p99 < 500', 'unknown metric "ttft"'],
    ['ttft_ms.p101x < 5', 'unknown statistic'],
    ['error_rate.p99 < 1', 'single value'],
    ['itl_ms < 50', 'per-request thresholds accept'],
    ['', 'expected METRIC'],
  ])('rejects %j with one line naming the expression and an example', (text, why) => {
    let error: unknown;
    try {
      parseSlo(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain(`--slo "${text.trim()}"`);
    expect(message).toContain(why);
    expect(message).toContain('example: --slo "ttft_ms.p99 < 500"');
    expect(message).not.toContain('\n');
  });
});

describe('evaluateSlos', () => {
  const { result, records } = syntheticRun({ n: 300, failEvery: 50 });

  it('passes and fails against the summary values, and records the measured value', () => {
    const p99 = result.summary.ttft_ms.p99;
    const outcomes = evaluateSlos(result, [
      parseSlo(`ttft_ms.p99 < ${p99 + 1}`),
      parseSlo(`ttft_ms.p99 < ${p99}`),
      parseSlo('error_rate < 0.01'),
      parseSlo('error_rate < 0.05'),
      parseSlo('failed > 0'),
      parseSlo('errors.http_500 == 6'),
      parseSlo('errors.timeout == 0'),
    ]);
    expect(outcomes.map((o) => o.passed)).toEqual([true, false, false, true, true, true, true]);
    expect(outcomes[0]!.actual).toBe(p99);
    expect(outcomes[2]!.actual).toBeCloseTo(6 / 300, 12);
    expect(allPassed(outcomes)).toBe(false);
    expect(allPassed(outcomes.filter((o) => o.passed))).toBe(true);
  });

  it('computes percentiles the summary does not store from the histogram', () => {
    const [outcome] = evaluateSlos(result, [parseSlo('ttft_ms.p75 < 100000')]);
    const expected = Math.round(decodeHistogram(result.histograms.ttft_ms!).getValueAtPercentile(75)) / 1000;
    expect(outcome!.actual).toBe(expected);
    expect(expected).toBeGreaterThan(result.summary.ttft_ms.p50);
    expect(expected).toBeLessThan(result.summary.ttft_ms.p90);
  });

  it('fails a threshold the run has no data for instead of passing it', () => {
    const [outcome] = evaluateSlos(result, [parseSlo('ttfrt_ms.p99 < 1000')]);
    expect(outcome).toMatchObject({ actual: null, passed: false });
  });

  it('judges a per-request threshold by the worst request and reports the share that met it', () => {
    const ttfts = records.filter((r) => r.ok).map((r) => r.ttft_ms!).sort((a, b) => a - b);
    const cut = ttfts[Math.floor(ttfts.length / 2)]!;
    const [strict, loose] = evaluateSlos(result, [parseSlo(`ttft_ms < ${cut}`), parseSlo(`ttft_ms < ${result.summary.ttft_ms.max + 1}`)], records);
    expect(strict!.passed).toBe(false);
    expect(strict!.actual).toBe(result.summary.ttft_ms.max);
    expect(strict!.met_share).toBeCloseTo(ttfts.filter((t) => t < cut).length / records.length, 12);
    expect(loose!.passed).toBe(true);
    expect(loose!.met_share).toBeCloseTo(294 / 300, 12);
    const table = sloTable([strict!, loose!]);
    expect(table).toContain('FAIL');
    expect(table).toContain('PASS');
    expect(table).toContain(`ttft_ms < ${cut}`);
  });
});

describe('goodput', () => {
  const { records } = syntheticRun({ n: 200, failEvery: 10, tpotMs: 20 });

  it('counts the successful requests that met every per-request threshold, per second', () => {
    const slos = [parseSlo('ttft_ms < 150'), parseSlo('tpot_ms < 25'), parseSlo('error_rate < 0.5')];
    const expected = records.filter((r) => r.ok && r.ttft_ms! < 150).length;
    expect(expected).toBeGreaterThan(20);
    expect(expected).toBeLessThan(180);
    expect(goodput(records, slos, 10)).toBeCloseTo(expected / 10, 12);
    // TPOT of 20 ms fails "< 15" for every request with two or more output tokens.
    expect(goodput(records, [parseSlo('tpot_ms < 15')], 10)).toBe(0);
    expect(goodput(records, [parseSlo('error_rate < 0.5')], 10)).toBeNull();
  });

  it('never counts a failed request, and treats TPOT of a one-token answer as met', () => {
    const failed = records.find((r) => !r.ok)!;
    expect(requestMeetsSlos(failed, [parseSlo('ttft_ms < 1e9')])).toBe(false);
    const oneToken = { ...records.find((r) => r.ok)!, output_tokens: 1 };
    expect(requestMeetsSlos(oneToken, [parseSlo('tpot_ms < 1')])).toBe(true);
  });
});

describe('thresholds on one model or replica: metric.stat{model=NAME} / {url=URL}', () => {
  it('parses the part with its case kept, and refuses a per-request or empty one', () => {
    expect(parseSlo('ttft_ms.p99{model=Llama-3.1-8B} < 500')).toMatchObject({ metric: 'ttft_ms', stat: 'p99', part: { key: 'by_model', name: 'Llama-3.1-8B' }, threshold: 500 });
    expect(parseSlo('error_rate{url:http://10.0.0.2:8000} <= 0.01').part).toEqual({ key: 'by_url', name: 'http://10.0.0.2:8000' });
    expect(parseSlo('ttft_ms.p99 < 500').part).toBeUndefined();
    expect(() => parseSlo('ttft_ms{model=a} < 500')).toThrow(/takes a statistic, e.g. ttft_ms.p99\{model=a\}/);
    expect(() => parseSlo('ttft_ms.p99{model=} < 500')).toThrow(/give the model after "="/);
  });

  it('judges the part on its own numbers, any percentile from its histogram; a part the run lacks fails', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 2, itlMs: 0.5, outputTokens: 6, contention: 0, models: ['fast', 'slow'], modelTtftMs: { slow: 60 } });
    try {
      const config = testConfig(server.url, { target: { baseUrl: server.url, model: 'fast' }, models: parseModelMix('fast,slow'), requests: 40, concurrency: 4 });
      const result = buildResult(config, await runLoad(config), { startedAt: new Date(), endedAt: new Date(), simulated: true });
      const slow = result.by_model!.slow!.summary.ttft_ms;
      const [fastOk, slowBad, slowP97, missing] = evaluateSlos(result, [
        parseSlo(`ttft_ms.p50{model=fast} < ${slow.min}`),
        parseSlo('ttft_ms.p50{model=slow} < 60'),
        parseSlo('ttft_ms.p97{model=slow} > 0'),
        parseSlo('ttft_ms.p50{model=other} < 1000'),
      ]);
      expect(fastOk).toMatchObject({ passed: true, actual: result.by_model!.fast!.summary.ttft_ms.p50, part: { key: 'by_model', name: 'fast' } });
      expect(slowBad).toMatchObject({ passed: false, actual: slow.p50 });
      expect(slowP97!.actual).toBeGreaterThanOrEqual(slow.p50!);
      expect(missing).toMatchObject({ passed: false, actual: null });
    } finally {
      await server.close();
    }
  });
});
