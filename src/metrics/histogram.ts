// HDR histograms: creation, lossless encode/decode/merge, and the summary every report shows.
import * as hdr from 'hdr-histogram-js';
import type { DistributionSummary, EncodedHistogram } from './schema.js';

export type Histogram = hdr.Histogram;

/** Highest trackable value: one hour in microseconds. Larger values are clamped, never dropped. */
const HIGHEST_US = 3_600_000_000;

/**
 * A histogram of microsecond values with 3 significant digits (0.1% resolution).
 * The pure-JS implementation: no WebAssembly memory to free, and fast enough for per-chunk records.
 */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a microsecond value, clamped into the trackable range. */
export function recordUs(histogram: Histogram, valueUs: number): void {
  const clamped = valueUs < 1 ? 1 : valueUs > HIGHEST_US ? HIGHEST_US : Math.round(valueUs);
  histogram.recordValue(clamped);
}

export function encodeHistogram(histogram: Histogram, unit: EncodedHistogram['unit'] = 'us'): EncodedHistogram {
  return { unit, encoded: hdr.encodeIntoCompressedBase64(histogram) };
}

export function decodeHistogram(encoded: EncodedHistogram): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded.encoded, 'packed', false);
  // Decoded histograms keep the encoder's range; copy into our standard shape so merges never overflow.
  const histogram = createHistogram();
  histogram.add(decoded);
  return histogram;
}

/** Merges several encoded histograms without loss (HDR add is exact bucket-wise). */
export function mergeEncoded(parts: EncodedHistogram[]): EncodedHistogram {
  const merged = createHistogram();
  for (const part of parts) merged.add(decodeHistogram(part));
  return encodeHistogram(merged, parts[0]?.unit ?? 'us');
}

const EMPTY: DistributionSummary = { mean: 0, stdev: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, count: 0 };

/** Summarises a microsecond histogram in milliseconds, rounded to the microsecond. */
export function summarizeUs(histogram: Histogram): DistributionSummary {
  if (histogram.totalCount === 0) return { ...EMPTY };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    mean: ms(histogram.mean),
    stdev: ms(histogram.stdDeviation),
    min: ms(histogram.minNonZeroValue),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    count: histogram.totalCount,
  };
}

/** Summarises from an encoded histogram (what reports and merge use). */
export function summarizeEncoded(encoded: EncodedHistogram): DistributionSummary {
  return summarizeUs(decodeHistogram(encoded));
}
