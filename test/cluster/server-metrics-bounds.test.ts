// --server-metrics against hostile endpoints: 200,000 series, an endless body, a line without end; and long runs.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SCRAPE_BYTES, ServerMetricsScraper } from '../../src/engine/server-metrics.js';
import { MAX_POINTS, SeriesStore } from '../../src/engine/server-series.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/** 200,000 series: 100,000 names with two label sets each, after the two plotted gauges. */
function hugePage(): Buffer {
  const lines = ['# TYPE vllm:num_requests_running gauge', 'vllm:num_requests_running{engine="0"} 3', 'vllm:num_requests_running{engine="1"} 4'];
  for (let i = 0; i < 100_000; i++) lines.push(`junk_metric_${i}{shard="a"} ${i}`, `junk_metric_${i}{shard="b"} 1`);
  lines.push('vllm:num_requests_waiting 2');
  return Buffer.from(lines.join('\n') + '\n');
}

describe('a scrape is bounded in names, bytes and line length', () => {
  it('200,000 series: the plotted families and maxSeries names in all are kept, the rest counted as dropped', async () => {
    const page = hugePage();
    const url = await serve((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(page));
    const scraper = new ServerMetricsScraper(url, { intervalMs: 200, timeoutMs: 10_000, maxSeries: 50 });
    scraper.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const doc = await scraper.finish(Date.now());
    expect(doc.failed_scrapes).toBe(0);
    expect(doc.scrapes).toBeGreaterThanOrEqual(2);
    const names = Object.keys(doc.series);
    expect(names.length).toBeLessThanOrEqual(50);
    // The plotted gauges come first and are complete (both label sets summed), even the one at the very end of the page.
    expect(names.slice(0, 2)).toEqual(['vllm:num_requests_running', 'vllm:num_requests_waiting']);
    expect(doc.series['vllm:num_requests_running']!.every(([, v]) => v === 7)).toBe(true);
    expect(doc.series['vllm:num_requests_waiting']!.every(([, v]) => v === 2)).toBe(true);
    // First come, first kept: junk_metric_0.. fill the other slots, each with both label sets summed.
    expect(doc.series.junk_metric_0!.every(([, v]) => v === 1)).toBe(true);
    expect(doc.dropped_samples).toBe(200_000 - 2 * (names.length - 2));
  });

  it('an endless body: each scrape is abandoned at the byte cap, counted, and the run goes on', async () => {
    const block = Buffer.from('endless_metric{x="y"} 1\n'.repeat(40_000));
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = () => {
        while (!res.destroyed && res.write(block));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const scraper = new ServerMetricsScraper(url, { intervalMs: 100, timeoutMs: 20_000 });
    scraper.start();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (scraper as unknown as { failed: number }).failed < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const doc = await scraper.finish(Date.now());
    expect(doc.oversized_scrapes).toBeGreaterThanOrEqual(1);
    expect(doc.failed_scrapes).toBeGreaterThanOrEqual(doc.oversized_scrapes!);
    expect(doc.last_error).toBe(`the page is larger than ${MAX_SCRAPE_BYTES / (1024 * 1024)} MB; scrape abandoned`);
    expect(doc.scrapes).toBe(0);
  });

  it('a line without an end is skipped, the lines around it kept', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('tgi_queue_size 5\nvery_long_line{a="');
      res.write('x'.repeat(200_000));
      res.end('"} 9\ntgi_batch_current_size 3\n');
    });
    const scraper = new ServerMetricsScraper(url, { intervalMs: 1000 });
    const doc = await scraper.finish(Date.now());
    expect(doc.failed_scrapes).toBe(0);
    expect(Object.keys(doc.series).sort()).toEqual(['tgi_batch_current_size', 'tgi_queue_size']);
  });
});

describe('series aggregated on arrival', () => {
  it('a long run keeps at most MAX_POINTS per series, evenly thinned, the whole span covered', () => {
    const store = new SeriesStore(['a'], 10);
    const scrapes = 3 * MAX_POINTS + 17;
    for (let i = 0; i < scrapes; i++) store.add(i * 1000, new Map([['a', i], ['b', 2 * i]]));
    const series = store.series(0);
    expect(series.a!.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(series.a!.length).toBeGreaterThan(MAX_POINTS / 4);
    expect(store.stride).toBe(4);
    expect(series.a![0]).toEqual([0, 0]);
    expect(series.a!.at(-1)![0]).toBeGreaterThan((scrapes - 1 - store.stride) * 1);
    // Evenly spaced: every kept point is `stride` scrapes after the one before.
    const gaps = new Set(series.a!.slice(1).map(([t], i) => t - series.a![i]![0]));
    expect([...gaps]).toEqual([4]);
    expect(series.b!.map(([, v]) => v)).toEqual(series.a!.map(([, v]) => 2 * v));
  });
});
