// eval and arena against endless and never-finishing streams: a classified error per request, memory bounded (RSS measured in the child).
import { listenOnLoopback } from '../helpers/servers.js';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/**
 * `endless`: token events as fast as the socket takes them, never finishing (a runaway generation);
 * `drip`: one token every 50 ms, forever (only a time limit ends it); `normal`: one short answer;
 * `gzip`: the endless stream gzip-encoded, some 200 times smaller on the wire than what it decodes to.
 */
async function startStreamServer(kind: 'endless' | 'drip' | 'normal' | 'gzip'): Promise<{ url: string; close: () => Promise<void> }> {
  const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'token ' }, finish_reason: null }] })}\n\n`;
  const burst = event.repeat(512);
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'endless' }] }));
      return;
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', ...(kind === 'gzip' ? { 'content-encoding': 'gzip' } : {}) });
    if (kind === 'normal') {
      res.end(`${event}data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
      return;
    }
    if (kind === 'drip') {
      const timer = setInterval(() => res.write(event), 50);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (kind === 'gzip') {
      const gzip = createGzip();
      gzip.pipe(res);
      const timer = setInterval(() => {
        for (let i = 0; i < 64 && !res.destroyed; i++) gzip.write(burst);
      }, 5);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const pump = (): void => {
      while (!res.destroyed && res.write(burst));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  return listenOnLoopback(server);
}

/** Runs the built CLI, sampling its peak resident set (VmHWM) from /proc while it runs. */
function runMeasured(args: string[]): Promise<{ code: number | null; stderr: string; peakRssMb: number; elapsedMs: number }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d) => (stderr += d));
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited between samples
      }
    }, 100);
    const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearInterval(sample);
      clearTimeout(kill);
      done({ code, stderr, peakRssMb: peakKb / 1024, elapsedMs: performance.now() - started });
    });
  });
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'llmperf-bounded-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const samples = (out: string) => readFileSync(join(out, 'eval-samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { error: string | null });

describe('eval requests are bounded', () => {
  it('an endless token stream ends each request as response_too_large, under 300 MB RSS', async () => {
    const server = await startStreamServer('endless');
    const out = join(root, 'endless');
    try {
      const r = await runMeasured(['eval', '--url', server.url, '--datasets', 'dynamic-arithmetic', '--limit', '8', '--concurrency', '8', '--no-cache', '--out', out]);
      expect(r.code, r.stderr).toBe(4); // every request failed: no score
      const errors = samples(out).map((s) => s.error);
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error).toMatch(/^response_too_large \(HTTP 200\): the response passed 16777216 bytes/);
      expect(errors.length).toBe(8);
      expect(r.peakRssMb).toBeGreaterThan(0);
      expect(r.peakRssMb).toBeLessThan(300);
    } finally {
      await server.close();
    }
  });

  it('counts a compressed stream as decoded too: a gzip bomb ends as response_too_large', async () => {
    const server = await startStreamServer('gzip');
    const out = join(root, 'gzip');
    try {
      const r = await runMeasured(['eval', '--url', server.url, '--datasets', 'gsm8k', '--limit', '1', '--no-cache', '--max-response-bytes', '1MB', '--timeout', '60s', '--out', out]);
      expect(r.code, r.stderr).toBe(4);
      expect(samples(out)[0]!.error).toMatch(/^response_too_large \(HTTP 200\): the response passed 1048576 bytes/);
      // Cut at 1 MB decoded: counting only the compressed bytes would have let ~200 MB of text through first.
      expect(readFileSync(join(out, 'eval-samples.jsonl'), 'utf8').length).toBeLessThan(2 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });

  it('--timeout ends a stream that never finishes as a timeout, within the limit of a normal run plus the timeout', async () => {
    const normal = await startStreamServer('normal');
    const drip = await startStreamServer('drip');
    try {
      const base = await runMeasured(['eval', '--url', normal.url, '--datasets', 'gsm8k', '--limit', '2', '--no-cache', '--out', join(root, 'normal')]);
      expect(base.code, base.stderr).toBe(0);
      const r = await runMeasured(['eval', '--url', drip.url, '--datasets', 'gsm8k', '--limit', '2', '--no-cache', '--timeout', '2s', '--out', join(root, 'drip')]);
      expect(r.code, r.stderr).toBe(4); // every request failed: no score
      // timeout as a rule; on a loaded machine the same limit can first trip as no headers or no bytes in time.
      for (const s of samples(join(root, 'drip'))) expect(s.error).toMatch(/^(timeout|idle_timeout|headers_timeout) /);
      expect(r.elapsedMs).toBeGreaterThan(2000);
      expect(r.elapsedMs).toBeLessThan(base.elapsedMs * 2 + 2000 * 2);
    } finally {
      await normal.close();
      await drip.close();
    }
  });

  it('rejects a malformed size or time in one line, exit 2', async () => {
    const bad = await runMeasured(['eval', '--max-response-bytes', '12 parsecs', '--datasets', 'gsm8k']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/--max-response-bytes 12 parsecs: not a size/);
    const badTime = await runMeasured(['arena', '--config', 'prompts/arena/arena.yaml', '--timeout', 'soon']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** An arena.yaml with one candidate at `url`, a simulated one and a simulated judge, in mode single. */
function arenaConfig(dir: string, url: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const questions = join(dir, 'questions.jsonl');
  writeFileSync(questions, `${JSON.stringify({ id: 'q1', question: 'Say something.' })}\n`);
  writeFileSync(join(dir, 'arena.yaml'), [
    `questions: ${questions}`,
    'mode: single',
    'candidates:',
    `  - { name: hostile, url: ${url}, model: endless }`,
    '  - { name: simulated, url: sim }',
    'judge: { name: judge, url: sim }',
  ].join('\n'));
  return join(dir, 'arena.yaml');
}

describe('arena requests are bounded', () => {
  it('--max-response-bytes ends endless answers as response_too_large', async () => {
    const server = await startStreamServer('endless');
    const dir = join(root, 'arena');
    try {
      const r = await runMeasured(['arena', '--config', arenaConfig(dir, server.url), '--out', join(dir, 'out'), '--no-cache', '--max-response-bytes', '1MiB', '--timeout', '60s']);
      expect(r.code, r.stderr).toBe(0);
      const doc = readFileSync(join(dir, 'out', 'arena.json'), 'utf8');
      expect(doc).toContain('response_too_large');
      expect(r.peakRssMb).toBeLessThan(300);
    } finally {
      await server.close();
    }
  });

  it('--timeout ends answers that never finish as timeout', async () => {
    const server = await startStreamServer('drip');
    const dir = join(root, 'arena-drip');
    try {
      const r = await runMeasured(['arena', '--config', arenaConfig(dir, server.url), '--out', join(dir, 'out'), '--no-cache', '--timeout', '1s']);
      expect(r.code, r.stderr).toBe(0);
      const doc = readFileSync(join(dir, 'out', 'arena.json'), 'utf8');
      expect(doc, doc.slice(0, 3000)).toMatch(/"(timeout|idle_timeout|headers_timeout): /);
    } finally {
      await server.close();
    }
  });
});
