// Histograms the engine records into while a run goes: 32-bit buckets, because recording is on the per-chunk path.
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from '../metrics/histogram.js';

/** Same range and precision as metrics/histogram.ts's createHistogram, so encoded forms merge with it. */
const HIGHEST_US = 3_600_000_000;

/**
 * The 'packed' bucket array metrics/histogram.ts uses costs about 0.9 µs per recordValue (a packed-index
 * lookup per count); plain Int32 buckets cost about 0.14 µs, at ~180 KB per histogram, only while the run
 * lasts. The encoded form does not depend on the bucket width, so results are identical.
 * 2^31 counts per bucket is far above what one run records into one microsecond bucket.
 */
export function createLiveHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}
