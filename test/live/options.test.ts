// The live flags at the edge (one-line usage errors), and the HDR-to-classic-bucket conversion the ITL series uses.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { classicBuckets } from '../../src/live/itl-histogram.js';
import { otlpSignalUrl, toLivePlan } from '../../src/live/options.js';
import { createLiveHistogram } from '../../src/engine/live-histogram.js';
import { recordUs } from '../../src/metrics/histogram.js';
import { Recorder } from '../../src/engine/recorder.js';

describe('toLivePlan', () => {
  it('is off by default, loopback and a 15 s linger when a port is given', () => {
    expect(toLivePlan({})).toMatchObject({ metricsPort: null, otlpEndpoint: null, otlpTraces: false });
    expect(toLivePlan({ metricsPort: '9464' })).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1', metricsLingerMs: 15_000 });
    expect(toLivePlan({ metricsPort: '0', metricsHost: '0.0.0.0', metricsLinger: '0s' })).toMatchObject({ metricsPort: 0, metricsHost: '0.0.0.0', metricsLingerMs: 0 });
  });

  it('refuses bad values in one line naming the flag', () => {
    for (const [flags, pattern] of [
      [{ metricsPort: '70000' }, /^--metrics-port 70000: not a port/],
      [{ metricsPort: 'abc' }, /^--metrics-port abc/],
      [{ metricsHost: '0.0.0.0' }, /^--metrics-host: also give --metrics-port/],
      [{ otlpTraces: true }, /^--otlp-traces: also give --otlp-endpoint/],
      [{ otlpEndpoint: 'localhost:4318' }, /^--otlp-endpoint localhost:4318: must be http/],
      [{ otlpEndpoint: 'not a url' }, /^--otlp-endpoint not a url: not a URL/],
      [{ otlpEndpoint: 'http://c:4318', otlpInterval: '10ms' }, /^--otlp-interval 10ms: at least 100ms/],
    ] as const) {
      expect(() => toLivePlan(flags)).toThrow(UsageError);
      expect(() => toLivePlan(flags)).toThrow(pattern);
    }
  });

  it('derives the per-signal OTLP paths as OTEL_EXPORTER_OTLP_ENDPOINT does', () => {
    expect(otlpSignalUrl('http://c:4318', 'metrics')).toBe('http://c:4318/v1/metrics');
    expect(otlpSignalUrl('http://c:4318/v1/metrics', 'traces')).toBe('http://c:4318/v1/traces');
  });
});

describe('classicBuckets', () => {
  it('counts values at or below each bound, same-chunk gaps as 1 µs, and the sum in seconds', () => {
    const histogram = createLiveHistogram();
    for (const us of [800, 1000, 4000, 9000, 50_000]) recordUs(histogram, us);
    const { cumulative, count, sumS } = classicBuckets({ histogram, sameChunkGaps: 3 }, [0.0005, 0.001, 0.005, 0.01, 0.1]);
    expect(cumulative).toEqual([3, 5, 6, 7, 8]);
    expect(count).toBe(8);
    expect(sumS).toBeCloseTo((800 + 1000 + 4000 + 9000 + 50_000 + 3) / 1e6, 4);
  });

  it('is all zeros for an empty histogram', () => {
    expect(classicBuckets({ histogram: createLiveHistogram(), sameChunkGaps: 0 }, [0.001, 1])).toEqual({ cumulative: [0, 0], count: 0, sumS: 0 });
  });

  it("follows the recorder's ITL as it fills, same-chunk gaps included", () => {
    const recorder = new Recorder(null, 1);
    const source = recorder.liveItl();
    recorder.recordItlUs(2000);
    recorder.recordItlUs(0);
    recorder.recordItlUs(0);
    expect(classicBuckets(source, [0.001, 0.01])).toMatchObject({ cumulative: [2, 3], count: 3 });
    // The end-of-run snapshot folds the zero gaps into the histogram: the live view counts them once.
    recorder.snapshot();
    expect(classicBuckets(source, [0.001, 0.01])).toMatchObject({ cumulative: [2, 3], count: 3 });
  });
});
