// --server-metrics: the Prometheus text parser, and the scraper against the simulator's /metrics during a real run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/cluster/prometheus.js';
import { serverMetricsCharts, serverMetricsSection } from '../../src/cluster/report-sections.js';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { ServerMetricsScraper } from '../../src/engine/server-metrics.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

const VLLM_PAGE = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 3.0
vllm:num_requests_running{engine="1",model_name="m"} 4.0
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.5
vllm:gpu_cache_usage_perc{engine="1",model_name="m"} 0.25
# TYPE vllm:num_preemptions counter
vllm:num_preemptions_total{model_name="we{ird} \\"quoted\\" label"} 7
vllm:num_preemptions_created{model_name="m"} 1.7e9
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 5.0
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} 9.0
vllm:time_to_first_token_seconds_count{model_name="m"} 9.0
vllm:time_to_first_token_seconds_sum{model_name="m"} 1.5
process_open_fds 12 1700000000000
untyped_metric NaN
broken{label="x" 5
tgi_queue_size 2
`;

describe('parsePrometheusText', () => {
  it('sums label sets, averages fractions, skips histograms, _created, NaN and torn lines', () => {
    const values = parsePrometheusText(VLLM_PAGE);
    expect(values.get('vllm:num_requests_running')).toBe(7);
    expect(values.get('vllm:gpu_cache_usage_perc')).toBeCloseTo(0.375);
    expect(values.get('vllm:num_preemptions_total')).toBe(7);
    expect(values.get('process_open_fds')).toBe(12);
    expect(values.get('tgi_queue_size')).toBe(2);
    for (const absent of ['vllm:num_preemptions_created', 'vllm:time_to_first_token_seconds_bucket', 'vllm:time_to_first_token_seconds_count', 'untyped_metric', 'broken']) {
      expect(values.has(absent), absent).toBe(false);
    }
  });
});

describe('ServerMetricsScraper', () => {
  it("records the simulator's requests running rising to the run's concurrency, on the client's time axis", async () => {
    const server: MockServer = await startMockServer({ port: 0, ttftMs: 30, itlMs: 10, outputTokens: 40, slots: 64 });
    closers.push(() => server.close());
    const scraper = new ServerMetricsScraper(`${server.url}/metrics`, { intervalMs: 100 });
    scraper.start();
    const config = testConfig(server.url, { concurrency: 8, requests: 48 });
    const startedAt = new Date();
    const outcome = await runLoad(config);
    const result = buildResult(config, outcome, { startedAt, endedAt: new Date(), simulated: true });
    result.server_metrics = await scraper.finish(outcome.totals.first_send_epoch_ms!);
    const metrics = result.server_metrics;
    // 48 requests of ~430 ms at 8 in flight: about 2.6 s, so ~25 scrapes at 100 ms; 10 is a floor for a loaded machine.
    expect(metrics.scrapes).toBeGreaterThan(10);
    expect(metrics.failed_scrapes).toBe(0);
    const running = metrics.series['vllm:num_requests_running']!;
    const values = running.map(([, v]) => v);
    expect(Math.max(...values)).toBe(8);
    expect(values.at(-1)).toBe(0); // the final scrape, after the run
    // Most scrapes during the run see the full concurrency (the closed loop refills at once).
    const during = running.filter(([t]) => t > 0.3 && t < result.summary.duration_s - 0.6).map(([, v]) => v);
    expect(during.filter((v) => v === 8).length / during.length).toBeGreaterThan(0.7);
    // Times count from the client's first send: sorted, starting near 0, ending near the run's end.
    const times = running.map(([t]) => t);
    expect(times).toEqual(times.slice().sort((a, b) => a - b));
    expect(times[0]!).toBeGreaterThan(-1);
    expect(times[0]!).toBeLessThan(0.5);
    expect(times.at(-1)!).toBeGreaterThan(result.summary.duration_s - 0.5);
    expect(metrics.series['vllm:generation_tokens_total']!.at(-1)![1]).toBe(48 * 40);
    expect(metrics.series['vllm:num_requests_waiting']!.every(([, v]) => v === 0)).toBe(true);
    // The report draws them: requests running/waiting with the client's in-flight line, KV cache, preemptions, tokens/s.
    const charts = serverMetricsCharts(result);
    expect(charts.map((c) => c.id)).toEqual(['server-requests', 'server-kv-cache', 'server-preemptions', 'server-tokens']);
    expect(serverMetricsSection(result)).toContain('chart-server-requests');
  });

  it('counts failed scrapes and keeps going: a server that answers 500, then nothing', async () => {
    let calls = 0;
    const http: Server = createServer((req, res) => {
      calls++;
      res.writeHead(calls <= 2 ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(calls <= 2 ? 'oops' : 'vllm:num_requests_running 1\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => http.close(() => resolve())));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/metrics`;
    const scraper = new ServerMetricsScraper(url, { intervalMs: 50 });
    scraper.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const doc = await scraper.finish(Date.now());
    expect(doc.failed_scrapes).toBe(2);
    expect(doc.last_error).toBe('HTTP 500');
    expect(doc.scrapes).toBeGreaterThan(2);
    expect(doc.series['vllm:num_requests_running']!.every(([, v]) => v === 1)).toBe(true);

    const dead = new ServerMetricsScraper('http://127.0.0.1:1/metrics', { intervalMs: 50 });
    dead.start();
    const none = await dead.finish(Date.now());
    expect(none.scrapes).toBe(0);
    expect(none.failed_scrapes).toBeGreaterThanOrEqual(2);
    expect(none.series).toEqual({});
  });
});
