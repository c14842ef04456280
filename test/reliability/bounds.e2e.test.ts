// Memory stays bounded whatever a server sends or a flag asks, measured as the peak RSS of the real CLI in a child
// process: an endless model list, --server-metrics with 200,000 series or an endless page, --rate 100 -n 1e9.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

/** The ceiling the issue sets for every hostile case. */
const RSS_LIMIT_MB = 300;

const probeDir = tempDir('llmperf-rss-');
const PROBE = join(probeDir, 'probe.cjs');
// Preloaded into the CLI: at exit, its peak resident set size (KB) goes to $LLMPERF_RSS_FILE.
writeFileSync(PROBE, "process.on('exit', () => require('fs').writeFileSync(process.env.LLMPERF_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
let probes = 0;

/** Runs the CLI and returns its result with the child's peak RSS in MB. */
async function runMeasured(args: string[], options: { env?: NodeJS.ProcessEnv; interruptAfterMs?: number; timeoutMs?: number } = {}) {
  const rssFile = join(probeDir, `rss-${probes++}`);
  const env = { ...process.env, ...options.env, NODE_OPTIONS: `--require ${PROBE}`, LLMPERF_RSS_FILE: rssFile };
  let run;
  if (options.interruptAfterMs === undefined) run = await runCli(args, { env, timeoutMs: options.timeoutMs });
  else {
    run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const interrupt = setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
      const kill = setTimeout(() => child.kill('SIGKILL'), options.interruptAfterMs! + 30_000);
      child.on('close', (code) => {
        clearTimeout(interrupt);
        clearTimeout(kill);
        resolve({ code, stdout, stderr });
      });
    });
  }
  const peakMb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Infinity;
  if (process.env.LLMPERF_SHOW_RSS) console.log(`peak RSS ${peakMb.toFixed(0)} MB: llmperf ${args.join(' ')}`);
  return { ...run, peakMb };
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `block` for as long as the client reads. */
function endless(res: ServerResponse, contentType: string, block: Buffer): void {
  res.writeHead(200, { 'content-type': contentType });
  const pump = () => {
    while (!res.destroyed && res.write(block));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

const sseReply = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
};

const meaningful = (stderr: string) => stderr.trim().split('\n').filter((line) => line.trim() !== '' && !line.includes('--debug'));

describe('the pre-flight reads at most 1 MB of the model list', () => {
  const modelsBlock = Buffer.from(`{"data": [${'{"id": "m", "object": "model"},'.repeat(2000)}`);
  let url = '';
  let modelListsSent = 0;

  it('an endless GET /v1/models: one classified line, exit 3, bounded memory', async () => {
    url = await serve((req, res) => {
      req.resume();
      if (req.url?.startsWith('/v1/models')) {
        modelListsSent++;
        endless(res, 'application/json', modelsBlock);
      } else sseReply(res);
    });
    const run = await runMeasured(['--url', url, '-n', '2', '--out', join(tempDir(), 'out')]);
    expect(run.code, run.stderr).toBe(3);
    expect(meaningful(run.stderr)).toEqual([`llmperf: ${url}: GET /v1/models sent more than 1 MB, not a model list; pass --model NAME to skip model discovery`]);
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
  });

  it('with --model the list is not read: the run goes ahead', async () => {
    const before = modelListsSent;
    const out = join(tempDir(), 'out');
    const run = await runMeasured(['--url', url, '--model', 'm', '-n', '2', '-q', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    // One pre-flight GET still proves the server is there; its endless body was not read.
    expect(modelListsSent - before).toBe(1);
    expect((JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument).summary.succeeded).toBe(2);
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
  });
});

describe('--server-metrics against hostile endpoints: bounded, counted, never a crash', () => {
  it('200,000 series', async () => {
    const lines: string[] = ['vllm:num_requests_running 1'];
    for (let i = 0; i < 200_000; i++) lines.push(`series_${i}{pod="p${i % 7}"} ${i}`);
    const page = Buffer.from(lines.join('\n') + '\n');
    const metrics = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(page);
    });
    const out = join(tempDir(), 'out');
    const run = await runMeasured(['--server-metrics', `${metrics}/metrics`, '--duration', '5s', '-c', '2', '--format', 'json', '--out', out], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = (JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument).server_metrics as Record<string, unknown>;
    expect(doc.scrapes as number).toBeGreaterThanOrEqual(2);
    expect(Object.keys(doc.series as object).length).toBeLessThanOrEqual(200);
    expect(doc.series).toHaveProperty(['vllm:num_requests_running']);
    expect(doc.dropped_samples as number).toBeGreaterThan(199_000);
    expect(run.stderr).toContain('more metrics than kept');
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
  });

  it('an endless page', async () => {
    const block = Buffer.from('endless{a="b"} 1\n'.repeat(60_000));
    const metrics = await serve((req, res) => {
      req.resume();
      endless(res, 'text/plain', block);
    });
    const out = join(tempDir(), 'out');
    const run = await runMeasured(['--server-metrics', `${metrics}/metrics`, '--duration', '4s', '-c', '2', '--format', 'json', '--out', out], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const doc = (JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument).server_metrics as Record<string, number>;
    expect(doc.scrapes).toBe(0);
    expect(doc.failed_scrapes).toBeGreaterThanOrEqual(1);
    expect(run.stderr).toContain('no scrape succeeded');
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
  });
});

describe('arrivals are drawn as they are due', () => {
  it('--rate 100 -n 1e9: memory does not depend on -n', async () => {
    const out = join(tempDir(), 'out');
    const run = await runMeasured(['--rate', '100', '-n', '1000000000', '--grace', '1s', '-q', '--out', out], { interruptAfterMs: 4000 });
    expect(run.code, run.stderr).toBe(130);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultDocument;
    // It really ran: requests went out at about the asked rate until the interrupt.
    expect(result.summary.succeeded).toBeGreaterThan(50);
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
  });
});
