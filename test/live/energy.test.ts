// GPU energy from DCGM series: the integral itself, and an end-to-end run whose simulator serves DCGM-named power.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { integrate } from '../../src/live/energy.js';
import { SIM_GPU } from '../../src/mock/metrics.js';
import { runCli, startMockCli } from '../helpers/cli.js';

describe('integrate', () => {
  it('is exact for piecewise-linear power, flat beyond the first and last reading', () => {
    // 100 W until t=1, ramps to 300 W at t=3, then flat; over [0, 5]: 100 + 400 + 600 = 1100 J.
    expect(integrate([[1, 100], [3, 300]], 5)).toBeCloseTo(1100, 9);
    // A reading before the window only shapes the curve at its edge: 100 W at t=0, 150 W at t=0.5.
    expect(integrate([[-1, 0], [1, 200]], 0.5)).toBeCloseTo(((100 + 150) / 2) * 0.5, 9);
    expect(integrate([], 10)).toBe(0);
  });
});

describe('--server-metrics with a DCGM exporter (the simulator serves DCGM_FI_DEV_* series)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-gpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports energy per output token, mean power and utilisation consistent with the server load', async () => {
    const mock = await startMockCli(['--slots', '8', '--ttft', '30', '--itl', '10', '--output-tokens', '40']);
    try {
      const out = join(dir, 'out');
      const run = await runCli(['--url', mock.url, '--server-metrics', `${mock.url}/metrics`, '--duration', '6s', '-c', '8', '--out', out, '--format', 'json,html'], { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
      const gpu = result.gpu;
      expect(gpu.source).toBe('DCGM_FI_DEV_POWER_USAGE');
      expect(gpu.samples).toBeGreaterThanOrEqual(4);
      // The definition: J / output token = integrated power / tokens; mean power = J / duration.
      expect(gpu.joules_per_output_token).toBeCloseTo(gpu.energy_j / result.summary.total_output_tokens, 5);
      expect(gpu.mean_power_w).toBeCloseTo(gpu.energy_j / result.summary.duration_s, 2);
      // Against the server's own occupancy: the simulator's power is idle + (full - idle) * running / slots, and
      // utilisation 100 * running / slots, so the three series must agree with each other (scrape-time sampling aside).
      const running: Array<[number, number]> = result.server_metrics.series['vllm:num_requests_running'];
      const meanRunning = running.reduce((sum, [, v]) => sum + v, 0) / running.length;
      const power: Array<[number, number]> = result.server_metrics.series.DCGM_FI_DEV_POWER_USAGE;
      const meanPowerSamples = power.reduce((sum, [, v]) => sum + v, 0) / power.length;
      expect(meanPowerSamples).toBeCloseTo(SIM_GPU.idleW + ((SIM_GPU.fullW - SIM_GPU.idleW) * meanRunning) / 8, 0);
      expect(gpu.mean_power_w).toBeGreaterThan(SIM_GPU.idleW + 0.5 * (SIM_GPU.fullW - SIM_GPU.idleW));
      expect(gpu.mean_power_w).toBeLessThanOrEqual(SIM_GPU.fullW);
      expect(gpu.mean_gpu_util_pct).toBeGreaterThan(50);
      expect(gpu.mean_gpu_util_pct).toBeLessThanOrEqual(100);
      expect(gpu.max_fb_used_mib).toBeGreaterThan(SIM_GPU.weightsMiB);
      expect(run.stdout).toMatch(/GPU energy \(DCGM\): \d+\.\d{3} J\/output token/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Energy per output token');
    } finally {
      await mock.stop();
    }
  }, 90_000);
});
