// Clock skew between shards, judged against the server's Date headers; and what the merge says about shard starts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { probeClockOffset, skewBetween } from '../../src/cluster/clock-probe.js';
import { describeShards, type ShardEntry } from '../../src/cluster/merge-shards.js';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

/** A server whose clock runs `skewMs` ahead of ours: its Date headers say so (whole seconds, as HTTP has them). */
async function skewedServer(skewMs: number): Promise<string> {
  const server = createServer((_req, res) => {
    res.setHeader('Date', new Date(Date.now() + skewMs).toUTCString());
    res.writeHead(401).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models`;
}

describe('probeClockOffset', () => {
  it('brackets the true offset, narrower than the 1 s of a Date header, from any status', async () => {
    for (const skewMs of [3000, -1700]) {
      const offset = (await probeClockOffset(await skewedServer(skewMs)))!;
      expect(offset.probes).toBeGreaterThanOrEqual(5);
      expect(offset.low_ms).toBeLessThanOrEqual(skewMs + 1); // +1: rounding of the bounds
      expect(offset.high_ms).toBeGreaterThanOrEqual(skewMs - 1);
      // Six probes 170 ms apart cover ~850 ms of phases: the interval shrinks to ~150 ms plus round trips.
      expect(offset.high_ms - offset.low_ms).toBeLessThan(600);
    }
  });

  it('returns null when nothing answers', async () => {
    expect(await probeClockOffset('http://127.0.0.1:1/v1/models', { probes: 2, spacingMs: 10 })).toBeNull();
  });

  it('turns offsets to one server into bounds on the skew between machines', () => {
    expect(skewBetween([{ low_ms: -100, high_ms: 100, probes: 6 }])).toBeNull();
    expect(skewBetween([{ low_ms: -100, high_ms: 100, probes: 6 }, { low_ms: 2900, high_ms: 3100, probes: 6 }])).toEqual({ atLeastMs: 2800, atMostMs: 3200 });
    expect(skewBetween([{ low_ms: -100, high_ms: 100, probes: 6 }, { low_ms: 0, high_ms: 150, probes: 6 }])).toEqual({ atLeastMs: 0, atMostMs: 250 });
  });
});

const entry = (shard: string, firstSendMs: number, extra: Partial<ShardEntry> = {}): ShardEntry => ({
  shard,
  host: `node-${shard[0]}`,
  started_at: new Date(firstSendMs).toISOString(),
  start_at: '2026-01-31T12:00:00.000Z',
  first_send_epoch_ms: firstSendMs,
  last_end_epoch_ms: firstSendMs + 60_000,
  concurrency: 8,
  sent: 100,
  succeeded: 100,
  failed: 0,
  ...extra,
});
const T = Date.parse('2026-01-31T12:00:00Z');

describe('describeShards', () => {
  it('says nothing alarming when the shards started together and the clocks agree', () => {
    const section = describeShards([entry('1/2', T + 8), entry('0/2', T + 3)]);
    expect(section.shards.map((s) => s.shard)).toEqual(['0/2', '1/2']);
    expect(section.start_spread_ms).toBe(5);
    expect(section.clock_skew_suspected).toBe(false);
    expect(section.overlap_fraction).toBeGreaterThan(0.99);
    expect(section.notes.join('\n')).not.toMatch(/late|skew|missing/);
  });

  it('names late shards, missing shards and clocks that disagree', () => {
    const offset = (low: number) => ({ low_ms: low, high_ms: low + 200, probes: 6 });
    const section = describeShards([
      entry('0/4', T + 2, { server_clock_offset_ms: offset(0) }),
      entry('1/4', T + 4000, { server_clock_offset_ms: offset(10) }),
      entry('3/4', T + 5, { server_clock_offset_ms: offset(-1500) }),
    ]);
    const notes = section.notes.join('\n');
    expect(notes).toMatch(/shard 1\/4 \(node-1\) started 4\.0 s after --start-at/);
    expect(notes).toMatch(/shards missing: 2\/4/);
    expect(section.clock_skew_suspected).toBe(true);
    expect(section.clock_skew_ms).toEqual({ at_least: 1310, at_most: 1710 });
    expect(notes).toMatch(/clocks differ by at least 1310 ms/);
  });

  it('refuses a shard given twice', () => {
    expect(() => describeShards([entry('0/2', T), entry('0/2', T + 1)])).toThrow(/appears twice/);
  });
});
