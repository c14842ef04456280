// compare: changes, significance against known differences, and the --fail-on grammar.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { compareResults, comparisonMarkdown, comparisonTable, verdict } from '../../src/metrics/compare.js';
import { evaluateFailOn, parseFailOn } from '../../src/metrics/fail-on.js';
import { syntheticRun } from '../report/fixture.js';

describe('parseFailOn', () => {
  it('reads relative, absolute-change and value forms', () => {
    expect(parseFailOn('ttft_ms.p99 > +10%')).toMatchObject({ metric: 'ttft_ms', stat: 'p99', op: '>', kind: 'relative', threshold: 10 });
    expect(parseFailOn('output_tokens_per_s < -5%')).toMatchObject({ metric: 'output_tokens_per_s', op: '<', kind: 'relative', threshold: -5 });
    expect(parseFailOn('ttft_ms.p50 > 10%')).toMatchObject({ kind: 'relative', threshold: 10 });
    expect(parseFailOn('tpot_ms.mean >= +2.5')).toMatchObject({ kind: 'delta', threshold: 2.5, op: '>=' });
    expect(parseFailOn('qps < -1')).toMatchObject({ kind: 'delta', threshold: -1 });
    expect(parseFailOn('failed > 0')).toMatchObject({ metric: 'failed', kind: 'value', threshold: 0 });
  });

  it.each(['ttft_ms > +10%', 'ttft_ms.p99 == 5', 'nope > 1', 'failed > many', 'ttft_ms.p99 > +10%%'])('rejects %j as a usage error', (text) => {
    expect(() => parseFailOn(text)).toThrow(UsageError);
    expect(() => parseFailOn(text)).toThrow(`--fail-on "${text}"`);
  });
});

describe('compareResults', () => {
  const base = syntheticRun({ n: 300, seed: 1, ttftBaseMs: 100 });
  const same = syntheticRun({ n: 300, seed: 2, ttftBaseMs: 100 });
  const slower = syntheticRun({ n: 300, seed: 3, ttftBaseMs: 160, failEvery: 30 });
  const row = (c: ReturnType<typeof compareResults>, metric: string) => c.rows.find((r) => r.metric === metric)!;

  it('lists every summary metric with absolute and relative change', () => {
    const c = compareResults(base.result, slower.result);
    const failed = row(c, 'failed');
    expect(failed).toMatchObject({ base: 0, new: 10, delta: 10, delta_pct: Infinity, better: 'lower' });
    const qps = row(c, 'qps');
    expect(qps.delta).toBeCloseTo(slower.result.summary.qps - base.result.summary.qps, 12);
    expect(qps.delta_pct).toBeCloseTo(((slower.result.summary.qps - base.result.summary.qps) / base.result.summary.qps) * 100, 9);
    for (const metric of ['sent', 'error_rate', 'output_tokens_per_s', 'ttft_ms.p99', 'latency_ms.mean', 'tpot_ms.p50', 'itl_ms.p90', 'queue_ms.max']) {
      expect(c.rows.map((r) => r.metric)).toContain(metric);
    }
  });

  it('calls a 60 ms TTFT regression significant and worse, from samples and from histograms alike', () => {
    for (const withRecords of [true, false]) {
      const c = compareResults(base.result, slower.result, withRecords ? { baseRecords: base.records, newRecords: slower.records } : {});
      for (const stat of ['mean', 'p50', 'p90']) {
        const r = row(c, `ttft_ms.${stat}`);
        expect(r.significance?.source).toBe(withRecords ? 'samples' : 'histogram');
        expect(r.significance?.significant, stat).toBe(true);
        expect(r.significance!.ci_low).toBeGreaterThan(0);
        expect(verdict(r)).toBe('worse');
      }
      const shift = c.shifts.find((s) => s.metric === 'ttft_ms')!;
      expect(shift.p_value).toBeLessThan(1e-6);
      // TPOT did not change (20 ms in both): never "worse".
      expect(verdict(row(c, 'tpot_ms.p50'))).toBe('noise');
    }
  });

  it('reports no significant latency change between two runs with the same settings', () => {
    const c = compareResults(base.result, same.result, { baseRecords: base.records, newRecords: same.records });
    for (const key of ['ttft_ms', 'latency_ms', 'tpot_ms']) {
      for (const stat of ['mean', 'p50', 'p90', 'p95', 'p99']) expect(verdict(row(c, `${key}.${stat}`)), `${key}.${stat}`).toBe('noise');
    }
  });

  it('gives no verdict on a tail percentile the runs are too small to estimate (p99 of 60 requests is the maximum)', () => {
    const small = syntheticRun({ n: 60, seed: 5, ttftBaseMs: 100 });
    const smallSlower = syntheticRun({ n: 60, seed: 6, ttftBaseMs: 200 });
    const c = compareResults(small.result, smallSlower.result, { baseRecords: small.records, newRecords: smallSlower.records });
    expect(row(c, 'ttft_ms.p99').significance).toMatchObject({ enough_samples: false, significant: false });
    expect(verdict(row(c, 'ttft_ms.p99'))).toBe('too few samples');
    // 60 * (1 - 0.9) = 6 values beyond p90: enough.
    expect(verdict(row(c, 'ttft_ms.p90'))).toBe('worse');
  });

  it('evaluates --fail-on conditions and sets failed when any is crossed', () => {
    const conditions = ['ttft_ms.p99 > +10%', 'failed > 0', 'output_tokens_per_s < -50%', 'ttft_ms.p50 > +1000'].map(parseFailOn);
    const regressed = compareResults(base.result, slower.result, { failOn: conditions });
    expect(regressed.fail_on.map((o) => o.crossed)).toEqual([true, true, false, false]);
    expect(regressed.failed).toBe(true);
    const fine = compareResults(base.result, same.result, { failOn: conditions });
    expect(fine.fail_on.map((o) => o.crossed)).toEqual([false, false, false, false]);
    expect(fine.failed).toBe(false);
    const pct = regressed.fail_on[0]!;
    expect(pct.observed).toBeCloseTo(((pct.new! - pct.base!) / pct.base!) * 100, 9);
  });

  it('handles a base of zero and a missing metric', () => {
    expect(evaluateFailOn(parseFailOn('failed > +10%'), base.result, slower.result)).toMatchObject({ observed: Infinity, crossed: true });
    expect(evaluateFailOn(parseFailOn('failed > +10%'), base.result, same.result)).toMatchObject({ observed: 0, crossed: false });
    expect(() => evaluateFailOn(parseFailOn('ttfrt_ms.p99 > +10%'), base.result, same.result)).toThrow(UsageError);
  });

  it('prints a console table and Markdown with the verdicts', () => {
    const c = compareResults(base.result, slower.result, { failOn: [parseFailOn('ttft_ms.p99 > +10%')] });
    const md = comparisonMarkdown(c);
    expect(md).toContain('**Result: FAILED**');
    expect(md).toMatch(/\| ttft_ms\.p50 \| [\d.]+ \| [\d.]+ \| \+[\d.]+ \| \+[\d.]+% \| \[\+[\d.]+, \+[\d.]+\] \| worse \|/);
    expect(md).toContain('Mann-Whitney');
    const table = comparisonTable(c);
    expect(table).toContain('ttft_ms.p99');
    expect(table).toContain('FAIL  ttft_ms.p99 > +10%');
  });
});
