// Goodput: requests per second that met every per-request SLO, checked against the run's own samples.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('goodput', () => {
  it('equals the requests meeting every per-request SLO, read from requests.csv, over the duration', async () => {
    const out = mkdtempSync(join(tmpdir(), 'llmperf-goodput-'));
    // Poisson arrivals at half the 2 slots' capacity: most requests find a free slot (TTFT ~30 ms),
    // the ones that arrive while both are busy wait for a response to end and miss the 45 ms bound.
    const run = await runCli([
      '--rate', '15', '-c', '8', '-n', '60', '--sim-slots', '2', '--sim-ttft', '30', '--sim-itl', '4', '--sim-output-tokens', '10',
      '--slo', 'ttft_ms < 45', '--slo', 'tpot_ms < 50', '--out', out, '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(1); // the TTFT bound fails for the queued half: exit 1, as an SLO miss should
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const [header, ...rows] = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    const columns = header.split(',');
    const records = rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i], cell])));
    const met = records.filter((r) => {
      const ttft = Number(r.ttft_ms);
      const tpot = (Number(r.latency_ms) - ttft) / (Number(r.output_tokens) - 1);
      return r.ok === 'true' && ttft < 45 && tpot < 50;
    }).length;
    expect(met).toBeGreaterThan(5);
    expect(met).toBeLessThan(60);
    expect(result.summary.goodput).toBeCloseTo(met / result.summary.duration_s, 2);
    expect(result.summary.goodput).toBeLessThan(result.summary.qps);
    expect(result.slo.find((o: { expression: string }) => o.expression === 'ttft_ms < 45').passed).toBe(false);
  });
});
