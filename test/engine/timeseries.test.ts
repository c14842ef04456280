// Output tokens/s over time is counted as packages arrive: a steady server draws a flat line, not a sawtooth of request ends.
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/engine/run.js';
import { startMockInWorker, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

let server: MockServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const cv = (values: number[]): number => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return sd / mean;
};

describe('the per-second output token series', () => {
  it('is flat on a steady simulator run (coefficient of variation under 10% after the first 2 s), and sums to the run total', async () => {
    // 16 streams start together and, at a fixed length, end together: counted at request ends this was a sawtooth.
    server = await startMockInWorker({ port: 0, ttftMs: 40, itlMs: 20, outputTokens: 40, contention: 0, slots: 64 });
    const outcome = await runLoad(testConfig(server.url, { concurrency: 16, requests: null, durationMs: 7000, outputTokens: 40 }));
    const series = outcome.timeseries.map((point) => point.output_tokens);
    // Seconds 2-5: past the start, before sending stops at 7 s and the last streams drain.
    const steady = series.slice(2, 6);
    expect(steady).toHaveLength(4);
    expect(Math.min(...steady)).toBeGreaterThan(0);
    expect(cv(steady), `per-second output tokens ${steady.join(', ')}`).toBeLessThan(0.1);
    // The rate is the streams' pace: 16 streams at one token per 20 ms each is about 800 tokens/s (less on a busy machine).
    const total = series.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - outcome.totals.output_tokens)).toBeLessThanOrEqual(series.length); // rounding of spread corrections only
    // The same run's requests ended in bursts: per-second *finished* requests vary far more than the token series.
    const finished = outcome.timeseries.slice(2, 6).map((point) => point.finished);
    expect(cv(finished)).toBeGreaterThan(cv(steady));
  }, 30_000);
});
