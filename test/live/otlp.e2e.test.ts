// `--otlp-endpoint` pushes OTLP/HTTP JSON to a collector: an in-test receiver decodes it and checks the totals against the result.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Attribute { key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number } }
interface DataPoint { attributes: Attribute[]; asInt?: string | number; asDouble?: number; count?: string | number }
interface Metric { name: string; sum?: { dataPoints: DataPoint[] }; histogram?: { dataPoints: DataPoint[] } }
interface MetricsPayload { resourceMetrics: Array<{ resource: { attributes: Attribute[] }; scopeMetrics: Array<{ metrics: Metric[] }> }> }
interface TracesPayload { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; events?: Array<{ name: string }>; startTimeUnixNano: string; endTimeUnixNano: string }> }> }> }

const attr = (attributes: Attribute[], key: string) => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue ?? value?.doubleValue;
};

/** A receiver that keeps every JSON body posted to /v1/metrics and /v1/traces. */
function receiver(): Promise<{ server: Server; url: string; metrics: MetricsPayload[]; traces: TracesPayload[] }> {
  const metrics: MetricsPayload[] = [];
  const traces: TracesPayload[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      expect(request.headers['content-type']).toMatch(/application\/json/);
      if (request.url === '/v1/metrics') metrics.push(JSON.parse(body));
      else if (request.url === '/v1/traces') traces.push(JSON.parse(body));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, metrics, traces })));
}

describe('llmperf --otlp-endpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-otlp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports the run totals, resource attributes and one span per request', async () => {
    const sink = await receiver();
    try {
      const run = await runCli(
        ['--duration', '4s', '-c', '4', '--sim-ttft', '20', '--sim-itl', '3', '--sim-output-tokens', '20', '--otlp-endpoint', sink.url, '--otlp-traces', '--otlp-interval', '1s', '--out', join(dir, 'out'), '--json', '--format', 'json'],
        { timeoutMs: 60_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.live.otlp_endpoint).toBe(sink.url);
      // Periodic pushes during the run, and the final one at its end.
      expect(sink.metrics.length).toBeGreaterThanOrEqual(3);
      const last = sink.metrics.at(-1)!;
      const resource = last.resourceMetrics[0].resource.attributes;
      expect(attr(resource, 'llmperf.run_id')).toBe(result.live.run_id);
      expect(attr(resource, 'service.name')).toBe('llmperf');
      expect(attr(resource, 'service.version')).toBe(result.tool.version);
      expect(String(attr(resource, 'llmperf.target'))).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      const metrics = new Map(last.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).map((m) => [m.name, m]));
      const total = (name: string) => (metrics.get(name)?.sum?.dataPoints ?? []).reduce((sum, p) => sum + Number(p.asInt ?? p.asDouble ?? 0), 0);
      expect(total('llmperf_requests')).toBe(result.summary.sent);
      expect(total('llmperf_requests_sent')).toBe(result.summary.sent);
      expect(total('llmperf_generation_tokens')).toBe(result.summary.total_output_tokens);
      const ttft = metrics.get('llmperf_time_to_first_token')!.histogram!.dataPoints;
      expect(ttft.reduce((sum, p) => sum + Number(p.count), 0)).toBe(result.summary.succeeded);
      const succeeded = metrics.get('llmperf_requests')!.sum!.dataPoints.find((p) => attr(p.attributes, 'outcome') === 'success');
      expect(Number(succeeded?.asInt ?? succeeded?.asDouble)).toBe(result.summary.succeeded);

      const spans = sink.traces.flatMap((t) => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
      expect(spans.length).toBe(result.summary.sent);
      expect(spans.every((span) => span.name === 'llm.request')).toBe(true);
      expect(spans.filter((span) => span.events?.some((e) => e.name === 'first_token')).length).toBe(result.summary.succeeded);
      // A span lasts the request's E2E latency: the simulator's 20 ms TTFT + 19 gaps of 3 ms at least.
      const shortest = Math.min(...spans.map((span) => Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6));
      expect(shortest).toBeGreaterThanOrEqual(20 + 19 * 3 - 1);
    } finally {
      sink.server.close();
    }
  }, 90_000);
});
