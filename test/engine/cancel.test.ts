// Deliberate cancellation against the real simulator: the seeded share is aborted mid-stream, counted apart, and seen by the server.
import { afterAll, expect, it } from 'vitest';
import { chosenForCancel } from '../../src/engine/cancel.js';
import { buildResult } from '../../src/engine/result.js';
import { runLoad } from '../../src/engine/run.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { testConfig } from '../helpers/config.js';

const servers: MockServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

it('--cancel-rate 0.3 --cancel-after: the chosen requests end as cancelled_by_design, out of latency, in the server view', async () => {
  // Responses take ~40 x 10 ms; a cancel at 100 ms always lands mid-stream.
  const server = await startMockServer({ port: 0, ttftMs: 5, itlMs: 10, outputTokens: 40, contention: 0 });
  servers.push(server);
  const requests = 60;
  const config = testConfig(server.url, { concurrency: 20, requests, outputTokens: 40, cancel: { rate: 0.3, afterMs: 100 } });
  const outcome = await runLoad(config);
  const doc = buildResult(config, outcome, { startedAt: new Date(), endedAt: new Date(), simulated: true });
  const chosen = Array.from({ length: requests }, (_, i) => i).filter((i) => chosenForCancel(config.seed, i, 0.3)).length;
  // The seeded choice: within 3 sigma of the rate, and exactly what the run did.
  expect(Math.abs(chosen - 0.3 * requests)).toBeLessThan(3 * Math.sqrt(requests * 0.3 * 0.7));
  expect(doc.summary.cancelled_by_design).toBe(chosen);
  expect(doc.summary.succeeded).toBe(requests - chosen);
  expect(doc.summary.failed).toBe(0);
  expect(doc.summary.error_rate).toBe(0);
  // Kept out of the latency statistics: only whole responses are measured.
  expect(doc.summary.latency_ms.count).toBe(requests - chosen);
  expect(doc.summary.latency_ms.min!).toBeGreaterThan(100);
  // The server saw every request, and the abandoned ones as cancelled.
  // The server learns of an abort when the connection closes, a moment after the client recorded it.
  let stats = await server.stats();
  for (let i = 0; i < 40 && stats.cancelled < stats.requests - stats.completed; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stats = await server.stats();
  }
  expect(stats.completed).toBe(requests - chosen);
  // On a loaded machine a chosen request can still wait for its connection at 100 ms: then it is aborted before
  // the server ever sees it. Every one the server did see, it saw cancelled.
  expect(stats.cancelled).toBe(stats.requests - stats.completed);
  expect(stats.cancelled).toBeGreaterThan(0);
});
