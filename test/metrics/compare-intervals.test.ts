// compare: the printed change always lies inside its printed interval, and the verdict words match the interval.
import { describe, expect, it } from 'vitest';
import { compareResults, comparisonTable, shownRows, verdict } from '../../src/metrics/compare.js';
import { syntheticRun } from '../report/fixture.js';

const inside = (r: { delta: number | null; significance: { ci_low: number; ci_high: number; enough_samples: boolean } | null }) =>
  !r.significance?.enough_samples || (r.delta! >= r.significance.ci_low && r.delta! <= r.significance.ci_high);

describe('compare intervals', () => {
  it('every printed change lies inside its printed interval, over many pairs of runs', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const base = syntheticRun({ n: 200, seed, ttftBaseMs: 100 });
      const next = syntheticRun({ n: 200, seed: seed + 100, ttftBaseMs: 100 + seed * 4 });
      for (const records of [true, false]) {
        const c = compareResults(base.result, next.result, records ? { baseRecords: base.records, newRecords: next.records } : {});
        for (const r of c.rows) expect(inside(r), `${r.metric} seed ${seed}: ${r.delta} in [${r.significance?.ci_low}, ${r.significance?.ci_high}]`).toBe(true);
      }
    }
  });

  it('widens an interval that the summary value falls outside of (the summary and the samples are two estimators)', () => {
    const base = syntheticRun({ n: 300, seed: 1, ttftBaseMs: 100, ttftNoiseMs: 1 });
    const next = syntheticRun({ n: 300, seed: 2, ttftBaseMs: 130, ttftNoiseMs: 1 });
    const plain = compareResults(base.result, next.result, { baseRecords: base.records, newRecords: next.records });
    const p50 = plain.rows.find((r) => r.metric === 'ttft_ms.p50')!;
    // Move NEW's summary p50 just past the interval's top, as HDR rounding can: +29.70 [+29.80, +30.20] was printed before.
    const shifted = structuredClone(next.result);
    shifted.summary.ttft_ms.p50 = base.result.summary.ttft_ms.p50 + p50.significance!.ci_high + 0.5;
    const c = compareResults(base.result, shifted, { baseRecords: base.records, newRecords: next.records });
    const row = c.rows.find((r) => r.metric === 'ttft_ms.p50')!;
    expect(row.significance!.widened).toBe(true);
    expect(row.significance!.ci_high).toBeCloseTo(row.delta!, 9);
    expect(inside(row)).toBe(true);
    expect(plain.rows.find((r) => r.metric === 'ttft_ms.p50')!.significance!.widened).toBe(false);
  });

  it('says "noise" only when the interval includes zero, and "below --min-effect" when it excludes zero but is small', () => {
    const base = syntheticRun({ n: 400, seed: 1, ttftBaseMs: 100, ttftNoiseMs: 1 });
    const slightly = syntheticRun({ n: 400, seed: 2, ttftBaseMs: 102, ttftNoiseMs: 1 });
    const c = compareResults(base.result, slightly.result, { baseRecords: base.records, newRecords: slightly.records, minEffectPct: 5 });
    let belowSeen = false;
    for (const r of c.rows) {
      if (!r.significance?.enough_samples) continue;
      const word = verdict(r, c.min_effect_pct);
      const includesZero = r.significance.ci_low <= 0 && r.significance.ci_high >= 0;
      if (word === 'noise') expect(includesZero, r.metric).toBe(true);
      if (includesZero) expect(word, r.metric).toBe('noise');
      if (word.startsWith('below --min-effect')) {
        belowSeen = true;
        expect(word).toBe('below --min-effect 5%');
        expect(Math.abs(r.delta_pct!)).toBeLessThan(5);
      }
    }
    // A 2 ms shift on ~101 ms with 1 ms noise is real (interval excludes zero) but under 5%.
    expect(verdict(c.rows.find((r) => r.metric === 'ttft_ms.p50')!, 5)).toBe('below --min-effect 5%');
    expect(belowSeen).toBe(true);
  });

  it('shows only what changed beyond noise by default, and every metric with --all', () => {
    const base = syntheticRun({ n: 300, seed: 1, ttftBaseMs: 100 });
    const same = syntheticRun({ n: 300, seed: 2, ttftBaseMs: 100 });
    const slower = syntheticRun({ n: 300, seed: 3, ttftBaseMs: 160 });
    const regressed = compareResults(base.result, slower.result, { baseRecords: base.records, newRecords: slower.records });
    const shown = shownRows(regressed).map((r) => r.metric);
    expect(shown).toContain('ttft_ms.p50');
    expect(shown).not.toContain('tpot_ms.p50');
    expect(shownRows(regressed, true)).toHaveLength(regressed.rows.length);
    const table = comparisonTable(regressed);
    expect(table).toMatch(/\d+ metrics within noise or below --min-effect 5% not shown; --all shows every metric\./);
    expect(table).not.toContain('tpot_ms.p50');
    expect(comparisonTable(regressed, true)).toContain('tpot_ms.p50');
    const quiet = compareResults(base.result, same.result, { baseRecords: base.records, newRecords: same.records });
    // Same settings: no latency statistic is shown (the seeds' prompt lengths differ, so token counts may be).
    expect(shownRows(quiet).filter((r) => r.significance !== null)).toEqual([]);
    const unchanged = compareResults(base.result, base.result, { baseRecords: base.records, newRecords: base.records });
    expect(comparisonTable(unchanged)).toMatch(/^No metric changed beyond noise \(\d+ compared\); --all shows every metric\.$/m);
  });
});
