// A sweep keeps one live endpoint across its stages: one run id, each stage's series labelled with its folder name.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Sums the samples of one series name whose labels contain every `match` fragment. */
function total(text: string, name: string, ...match: string[]): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && match.every((m) => line.includes(m)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('llmperf sweep --metrics-port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-sweep-live-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves every stage under one run id with stage labels, and lingers for the last scrape', async () => {
    const port = await freePort();
    const running = runCli(['sweep', '--concurrency', '1,3', '--requests', '12', '--cooldown', '0s', '--sim-ttft', '10', '--sim-itl', '2', '--sim-output-tokens', '10', '--metrics-port', String(port), '--metrics-linger', '20s', '--out', join(dir, 'sweep'), '--json'], { timeoutMs: 90_000 });
    let last = '';
    let done = false;
    void running.then(() => (done = true));
    // Scrape like Prometheus would, every 250 ms, until the endpoint is gone.
    while (!done) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => null);
      if (text !== null) last = text;
      await new Promise((r) => setTimeout(r, 250));
    }
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Live metrics: http:\/\/127\.0\.0\.1:\d+\/metrics \(run_id [\w-]+\)/);
    const sweep = JSON.parse(run.stdout);
    const runIds = new Set([...last.matchAll(/run_id="([^"]+)"/g)].map((m) => m[1]));
    expect(runIds.size).toBe(1);
    for (const stage of sweep.stages) {
      const label = `stage="concurrency-${stage.load}"`;
      expect(total(last, 'llmperf_requests_total', label), label).toBe(stage.summary.sent);
      expect(total(last, 'llmperf_time_to_first_token_seconds_count', label), label).toBe(stage.summary.succeeded);
      expect(total(last, 'llmperf_inter_token_latency_seconds_count', label), label).toBe(stage.summary.itl_ms.count);
    }
  }, 120_000);
});
