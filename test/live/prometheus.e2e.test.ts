// A real Prometheus scrapes `llmperf --metrics-port` every second during a simulator run; its totals must equal the result's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const PROMETHEUS = ['prometheus', '/usr/bin/prometheus'].find((bin) => spawnSync(bin, ['--version']).status === 0) ?? null;
if (PROMETHEUS === null) console.warn('SKIPPED test/live/prometheus.e2e.test.ts: no `prometheus` binary (apt-get install prometheus; .ci/run installs it)');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function query(promPort: number, expr: string): Promise<number | null> {
  const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
  const first = body.data.result[0];
  return first === undefined ? null : Number(first.value[1]);
}

describe.skipIf(PROMETHEUS === null)('llmperf --metrics-port scraped by a real Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-prom-'));
  let prometheus: ChildProcess | null = null;
  afterAll(() => {
    if (prometheus !== null && prometheus.exitCode === null) prometheus.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every sent request and every succeeded TTFT', async () => {
    const metricsPort = await freePort();
    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: llmperf\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
    );
    prometheus = spawn(PROMETHEUS!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    // Ready before the run starts, so the run's whole life is scraped.
    const readyBy = Date.now() + 20_000;
    while (Date.now() < readyBy) {
      const ok = await fetch(`http://127.0.0.1:${promPort}/-/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const run = await runCli(
      ['--duration', '15s', '-c', '8', '--sim-ttft', '40', '--sim-itl', '5', '--sim-output-tokens', '40', '--metrics-port', String(metricsPort), '--metrics-linger', '10s', '--out', join(dir, 'out'), '--json', '--format', 'json'],
      { timeoutMs: 90_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const runId: string = result.live.run_id;
    expect(runId).toBe(result.run_id);
    expect(result.live.metrics_url).toBe(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(result.summary.sent).toBeGreaterThan(100);

    // The run waited for a scrape after it ended; give Prometheus a moment to commit it.
    let requests: number | null = null;
    let ttftCount: number | null = null;
    let sent: number | null = null;
    for (let i = 0; i < 25; i++) {
      requests = await query(promPort, `sum(llmperf_requests_total{run_id="${runId}"})`);
      ttftCount = await query(promPort, `sum(llmperf_time_to_first_token_seconds_count{run_id="${runId}"})`);
      sent = await query(promPort, `sum(llmperf_requests_sent_total{run_id="${runId}"})`);
      if (requests === result.summary.sent && ttftCount === result.summary.succeeded && sent === result.summary.sent) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(requests).toBe(result.summary.sent);
    expect(sent).toBe(result.summary.sent);
    expect(ttftCount).toBe(result.summary.succeeded);

    // Scraped all along, not only at the end: the counter rose over at least 10 distinct scrapes.
    const samples = await query(promPort, `count_over_time(llmperf_requests_sent_total{run_id="${runId}"}[2m])`);
    expect(samples).toBeGreaterThanOrEqual(10);
    // Tokens and the pooled ITL histogram match the result too.
    expect(await query(promPort, `sum(llmperf_generation_tokens_total{run_id="${runId}"})`)).toBe(result.summary.total_output_tokens);
    const itlCount = await query(promPort, `sum(llmperf_inter_token_latency_seconds_count{run_id="${runId}"})`);
    expect(itlCount).toBe(result.summary.itl_ms.count);
  }, 120_000);
});
