// Connections opened before the first timed send: no extra requests, set-up reported as its own phase, clock at the write.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRun, runLoad } from '../../src/engine/run.js';
import { clientHealth } from '../../src/engine/saturation.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runCli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('pre-opened connections', () => {
  it('opens one connection per request of the first wave, and sends no request on them beyond the run', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 20, itlMs: 2, outputTokens: 5 });
    servers.push(server);
    const outcome = await runLoad(testConfig(server.url, { concurrency: 6, requests: 18 }));
    expect(outcome.totals.succeeded).toBe(18);
    expect((await server.stats()).requests).toBe(18);
    const connections = clientHealth(outcome).connections!;
    expect(connections.preopened).toBe(6);
    // Every request went out on a connection opened before the run: none had to wait for a TCP connect.
    expect(connections.opened_during_run).toBe(0);
    expect(connections.failed).toBe(0);
    expect(connections.connect_ms.count).toBe(6);
    expect(connections.connect_ms.p50).toBeGreaterThan(0);
  });

  it('opens no more than the run will use, and none with preconnect off', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 3 });
    servers.push(server);
    const few = await runLoad(testConfig(server.url, { concurrency: 8, requests: 3 }));
    expect(few.connections!.preopened).toBe(3);
    const off = await runLoad(testConfig(server.url, { concurrency: 4, requests: 8, preconnect: false }));
    expect(off.totals.succeeded).toBe(8);
    expect(off.connections!.preopened).toBe(0);
    expect(off.connections!.openedDuringRun).toBe(4);
  });

  it('a refused connection is counted and left to the requests to report, without holding the run back', async () => {
    // A port that was just free: nothing listens there.
    const probe: Server = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
    await new Promise((resolve) => probe.close(resolve));
    const outcome = await runLoad(testConfig(`http://127.0.0.1:${port}/v1`, { concurrency: 2, requests: 2 }));
    expect(outcome.connections!.preopened).toBe(0);
    expect(outcome.connections!.failed).toBeGreaterThanOrEqual(2);
    expect(outcome.totals.failed).toBe(2);
    expect(outcome.totals.errors.connection_refused).toBe(2);
  });
});

describe('prepare() before a shared start (--start-at)', () => {
  it('opens the connections ahead without sending anything, and the run does not open them twice', async () => {
    const server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, outputTokens: 3 });
    servers.push(server);
    const run = new LoadRun(testConfig(server.url, { concurrency: 5, requests: 10 }));
    await run.prepare();
    // Open before the start, and the server has seen no request yet.
    expect(run.connectionStats.preopened).toBe(5);
    expect((await server.stats()).requests).toBe(0);
    const outcome = await run.run();
    expect(outcome.totals.succeeded).toBe(10);
    expect(outcome.connections!.preopened).toBe(5);
    expect(outcome.connections!.openedDuringRun).toBe(0);
  });
});

describe('llmperf run (built CLI)', () => {
  it('reports the connection phase in result.json, and --no-preconnect opens them during the run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'llmperf-preconnect-'));
    for (const [name, extra] of [['on', []], ['off', ['--no-preconnect']]] as const) {
      const run = await runCli(['-c', '3', '-n', '6', '--quiet', '--format', 'json', '--out', join(root, name), ...extra]);
      expect(run.code, run.stderr).toBe(0);
    }
    const read = (name: string) => JSON.parse(readFileSync(join(root, name, 'result.json'), 'utf8'));
    const on = read('on');
    const off = read('off');
    expect(on.config.preconnect).toBe(true);
    expect(on.client.connections).toMatchObject({ preopened: 3, opened_during_run: 0, failed: 0 });
    expect(off.config.preconnect).toBe(false);
    expect(off.client.connections).toMatchObject({ preopened: 0, opened_during_run: 3, failed: 0 });
    expect(off.client.connections.connect_ms.count).toBe(3);
  });
});
