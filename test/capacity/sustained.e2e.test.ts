// Loads the server cannot sustain are never reported as if it did: `sweep --rate auto` reaches the simulator's
// maximum without a client cap, and `capacity` answers at most the maximum of the simulator's closed-form model.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maxRequestRate } from '../../src/mock/capacity.js';
import { MOCK_DEFAULTS, startMockServer, type MockServer } from '../../src/mock/index.js';
import { runCli } from '../helpers/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'llmperf-sustained-'));

interface Stage {
  load: number;
  dir: string;
  not_sustained: boolean;
  summary: { qps: number; ttft_ms: { p99: number }; queue_ms: { p99: number } };
  sustain: { offered_rate: number; achieved_rate: number | null; queue_p99_ms: number; ttft_p99_ms: number; peak_in_flight: number; in_flight_cap: number; reasons: string[] };
}

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('sweep --rate auto without -c', () => {
  it('probes find the maximum, rate stages reach 80% of it uncapped, and every overloaded stage is marked', async () => {
    // The default simulator: 64 slots, 64-token answers; its model gives 86.25 requests/s at most.
    const max = maxRequestRate(MOCK_DEFAULTS, MOCK_DEFAULTS.outputTokens);
    sim = await startMockServer({ port: 0 });
    const out = tempDir();
    const run = await runCli(['sweep', '--url', sim.url, '--rate', 'auto', '--duration', '5s', '--cooldown', '0s', '--dataset', 'random', '--out', out], {
      timeoutMs: 240_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    // Probes are labelled as probes, never as a rate stage; the throughput probes went beyond one request in flight.
    expect(run.stderr).toMatch(/probe synchronous \(concurrency 1\)/);
    expect(run.stderr).toMatch(/probe throughput \(concurrency \d+\)/);
    expect(run.stderr).not.toMatch(/stage rate 1:/);
    const throughput = sweep.probes.filter((p: { kind: string }) => p.kind === 'throughput');
    expect(Math.max(...throughput.map((p: Stage) => p.load))).toBeGreaterThanOrEqual(64);
    const stages = sweep.stages as Stage[];
    expect(Math.max(...stages.map((s) => s.load)), `stages ${stages.map((s) => s.load)}`).toBeGreaterThanOrEqual(0.8 * max);
    for (const stage of stages) {
      const result = JSON.parse(readFileSync(join(stage.dir, 'result.json'), 'utf8'));
      // The open-loop cap, not concurrency 1: no stage was held back by the client.
      expect(result.config.concurrency).toBeGreaterThan(1000);
      expect(stage.sustain.peak_in_flight).toBeLessThan(stage.sustain.in_flight_cap);
      // Whatever fell short is said so, in the JSON and the table.
      const short = stage.sustain.achieved_rate !== null && stage.sustain.achieved_rate < 0.95 * stage.sustain.offered_rate;
      if (short) expect(stage.not_sustained).toBe(true);
      expect(stage.not_sustained).toBe(stage.sustain.reasons.length > 0);
      if (stage.not_sustained) expect(run.stdout).toContain(`${stage.load} (not_sustained)`);
    }
  }, 300_000);
});

describe('capacity against the closed form', () => {
  const settings = [
    { name: 'the default simulator (maximum 86.25 requests/s)', sim: {} },
    // Many slots, so queueing below the maximum stays short and the TTFT SLO does not bind first (with 16
    // slots, Poisson arrivals at 85% of the maximum already reach a TTFT p99 near 500 ms).
    { name: '96 slots of slower decoding (maximum 61.6 requests/s)', sim: { slots: 96, ttftMs: 50, itlMs: 20, outputTokens: 64, contention: 0.2 } },
  ];
  for (const setting of settings) {
    it(`answers at most the model's maximum and within 10% below it: ${setting.name}`, async () => {
      sim = await startMockServer({ port: 0, ...setting.sim });
      const max = maxRequestRate(sim.config, sim.config.outputTokens);
      const out = tempDir();
      const run = await runCli(
        ['capacity', '--url', sim.url, '--slo', 'ttft_ms.p99 < 500', '--slo', 'tpot_ms.p99 < 40', '--duration', '5s', '--cooldown', '0s',
          '--start', '10', '--budget', '4m', '--dataset', 'random', '--out', out, '--quiet'],
        { timeoutMs: 300_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      const capacity = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8'));
      const lag = (await sim.stats()).lagMs;
      const context = `max ${max.toFixed(2)}, stages ${capacity.stages.map((s: Stage & { passed: boolean }) => `${s.load}:${s.passed ? 'pass' : 'fail'}`).join(' ')}, simulator lag p99 ${lag.p99} ms`;
      expect(capacity.value, context).toBeLessThanOrEqual(max);
      expect(capacity.value, context).toBeGreaterThanOrEqual(0.9 * max);
      // The answer is a rate a passing stage actually offered (or completed, if lower), not the nominal rate it was asked for.
      const passing = (capacity.stages as Array<Stage & { passed: boolean }>).filter((s) => s.passed);
      const served = passing.map((s) => Math.min(s.sustain.offered_rate, s.sustain.achieved_rate ?? Infinity, s.load * 1.5));
      expect(served).toContain(capacity.value);
      // Every load above the maximum was refused, for being not sustained.
      for (const stage of capacity.stages as Array<Stage & { passed: boolean }>) {
        if (stage.sustain.offered_rate > 1.05 * max) expect(stage.passed, `${stage.load}`).toBe(false);
      }
    }, 320_000);
  }
});
