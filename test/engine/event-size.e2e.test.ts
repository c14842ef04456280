// Memory stays bounded whatever a server streams: an SSE line without a newline ends at --max-event-bytes (default 1 MiB).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { expectExactAccounting } from '../reliability/helpers.js';
import { startReplayServer, type ReplayServer } from './fixtures/replay-server.js';

const DRIVER = fileURLToPath(new URL('./fixtures/endless-line-driver.mjs', import.meta.url));

let server: ReplayServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function runDriver(url: string, durationMs: number): Promise<{ maxRssMb: number; totals: import('../../src/metrics/summary.js').RunTotals }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DRIVER, JSON.stringify({ url, durationMs })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`driver exited ${code}: ${err.slice(0, 500)}`))));
  });
}

describe('a server that sends an SSE line with no newline, forever', () => {
  it('ends every request as event_too_large, and the client stays under 300 MB RSS', async () => {
    let bytesSent = 0;
    const piece = Buffer.alloc(256 * 1024, 'x');
    server = await startReplayServer({
      body: (res) => {
        res.write('data: {"choices":[{"delta":{"content":"');
        // As fast as the client reads (backpressure respected), until it hangs up.
        const pump = () => {
          while (!res.destroyed) {
            bytesSent += piece.length;
            if (!res.write(piece)) break;
          }
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      },
    });
    const { maxRssMb, totals } = await runDriver(server.url, 3000);
    expectExactAccounting(totals, totals.sent);
    expect(totals.sent).toBeGreaterThan(2);
    expect(totals.errors).toEqual({ event_too_large: totals.sent });
    expect(totals.error_samples.event_too_large).toContain('grew past 1048576 bytes');
    // The server pushed far more than the bound in all; the client kept at most about one event per stream.
    expect(bytesSent).toBeGreaterThan(10 * 1024 * 1024);
    expect(maxRssMb).toBeLessThan(300);
  }, 60_000);
});
