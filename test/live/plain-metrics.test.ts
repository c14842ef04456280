// The scrape-time counters and histograms against prom-client's own: the same values give the same exposition.
import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { PlainCounter, PlainHistogram } from '../../src/live/plain-metrics.js';
import { BUCKETS_S } from '../../src/live/names.js';

const labels = { run_id: 'r1', model: 'm', stage: '' };

describe('PlainHistogram and PlainCounter', () => {
  it('expose exactly what prom-client exposes for the same observations (bounds inclusive, +Inf, sum, count)', async () => {
    const reference = new Registry();
    const promHistogram = new Histogram({ name: 'h_seconds', help: 'h', buckets: [...BUCKETS_S.ttft], labelNames: ['run_id', 'model', 'stage'], registers: [reference] });
    const promCounter = new Counter({ name: 'c_total', help: 'c', labelNames: ['run_id', 'model', 'stage'], registers: [reference] });
    const ours = new Registry();
    const histogram = new PlainHistogram('h_seconds', 'h', BUCKETS_S.ttft);
    const counter = new PlainCounter('c_total', 'c');
    ours.registerMetric(histogram as never);
    ours.registerMetric(counter as never);
    const slot = histogram.slot(labels);
    const counterSlot = counter.slot('k', () => labels);
    // Values on bounds (le is inclusive), between them, below the first and past the last.
    const values = [0.0005, 0.001, 0.0010001, 0.02, 0.05, 0.1, 0.99, 1, 7.5, 639, 640, 700, 1e4, 0];
    for (const value of values) {
      promHistogram.observe(labels, value);
      histogram.observe(slot, value);
      promCounter.inc(labels, 3);
      counterSlot.value += 3;
    }
    expect(await ours.getSingleMetricAsString('h_seconds')).toBe(await reference.getSingleMetricAsString('h_seconds'));
    expect(await ours.getSingleMetricAsString('c_total')).toBe(await reference.getSingleMetricAsString('c_total'));
  });

  it('keeps one series per label set, and equal label sets share it', async () => {
    const histogram = new PlainHistogram('h_seconds', 'h', [1]);
    histogram.observe(histogram.slot(labels), 0.5);
    histogram.observe(histogram.slot({ ...labels }), 2);
    histogram.observe(histogram.slot({ ...labels, stage: 's2' }), 0.5);
    const samples = histogram.get().values.filter((v) => v.metricName === 'h_seconds_count');
    expect(samples.map((s) => [s.labels.stage, s.value])).toEqual([['', 2], ['s2', 1]]);
  });
});
