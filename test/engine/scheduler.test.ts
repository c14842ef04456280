// The open loop draws arrivals as they fall due and waits out gaps longer than Node's longest timer in steps.
import { describe, expect, it } from 'vitest';
import { OpenLoop } from '../../src/engine/scheduler.js';

describe('OpenLoop', () => {
  it('a gap beyond 2^31 - 1 ms is waited in steps: no TimeoutOverflowWarning, the late arrival not sent early', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const offsets = [0, 30 * 24 * 3_600_000]; // the second arrival 30 days after the first
    let drawn = 0;
    const launched: number[] = [];
    const loop = new OpenLoop(() => offsets[drawn++] ?? Infinity, 4, (index) => launched.push(index));
    let idle = false;
    loop.start(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(launched).toEqual([0]);
    loop.requestEnded();
    expect(idle).toBe(false); // the 30-day arrival is still ahead
    loop.stop();
    expect(idle).toBe(true);
    process.off('warning', onWarning);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('draws only what is due: a billion-arrival stream is asked for a handful', async () => {
    let drawn = 0;
    const launched: Array<[number, number]> = [];
    const loop = new OpenLoop(() => (drawn++ < 1e9 ? drawn * 50 : Infinity), 1000, (index, intendedMs) => launched.push([index, intendedMs]));
    loop.start(() => {});
    await new Promise((resolve) => setTimeout(resolve, 260));
    loop.stop();
    // Arrivals at 50, 100, 150... ms: about five are due in 260 ms, and at most one more was drawn to know when to wake.
    expect(launched.length).toBeGreaterThanOrEqual(3);
    expect(drawn).toBeLessThanOrEqual(launched.length + 2);
    expect(launched.map(([index]) => index)).toEqual(launched.map((_, i) => i));
  });
});
