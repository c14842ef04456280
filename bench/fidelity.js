// Timing fidelity: the paced simulator records when it wrote every event; the floor and llmperf report TTFT and ITL; compare.
import { performance } from 'node:perf_hooks';
import { runLlmperf } from './llmperf-client.js';
import { runPacedFloor } from './paced-floor.js';
import { startSimulator } from './processes.js';

const TTFT_MS = 50;
const TOKENS = 100;

/** Exact percentile of a list (nearest rank), as HDR reports it. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The truth: per response, first token written minus request arrival, and the gaps between token writes. */
function truthOf(sendTimes, skipFirst) {
  const ttftMs = [];
  const itlMs = [];
  // The first wave (one request per connection, each with its TCP connect) is the clients' warm-up: skipped on both sides.
  const records = [...sendTimes.records].sort((a, b) => a.arrivalEpochMs - b.arrivalEpochMs).slice(skipFirst);
  for (const r of records) {
    if (r.tokenEpochMs.length === 0) continue;
    ttftMs.push(r.tokenEpochMs[0] - r.arrivalEpochMs);
    for (let i = 1; i < r.tokenEpochMs.length; i++) itlMs.push(r.tokenEpochMs[i] - r.tokenEpochMs[i - 1]);
  }
  return { ttftMs, itlMs, responses: records.length, dropped: sendTimes.dropped };
}

const body = JSON.stringify({
  model: 'llmperf-sim',
  messages: [{ role: 'user', content: 'Write one short sentence about load testing.' }],
  max_tokens: TOKENS,
  stream: true,
  stream_options: { include_usage: true },
});

async function measure(client, sim, concurrency, requests) {
  // Warm-up (JIT, connections), then forget what the simulator saw.
  if (client === 'floor') await runPacedFloor({ url: sim.url, body, concurrency: Math.min(concurrency, 32), requests: 32 });
  else await runLlmperf({ baseUrl: sim.url, concurrency: Math.min(concurrency, 32), requests: 32, outputTokens: TOKENS });
  await sim.call('reset');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let reported;
  let health = null;
  if (client === 'floor') {
    const r = await runPacedFloor({ url: sim.url, body, concurrency, requests, skipFirstPerConnection: true });
    reported = { ttft: [percentile(r.ttftMs, 50), percentile(r.ttftMs, 99)], itl: [percentile(r.itlMs, 50), percentile(r.itlMs, 99)], responses: r.ttftMs.length, errors: r.errors };
  } else {
    const { result } = await runLlmperf({ baseUrl: sim.url, concurrency, requests, warmupRequests: concurrency, outputTokens: TOKENS });
    const s = result.summary;
    reported = { ttft: [s.ttft_ms.p50, s.ttft_ms.p99], itl: [s.itl_ms.p50, s.itl_ms.p99], responses: s.succeeded, errors: s.failed };
    health = { saturated: result.client.saturated, utilization: result.client.event_loop_utilization, loopDelayP99Ms: result.client.event_loop_delay_ms?.p99 ?? null };
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const truth = truthOf(await sim.call('sendTimes'), concurrency);
  const stats = await sim.call('stats');
  const t = { ttft: [percentile(truth.ttftMs, 50), percentile(truth.ttftMs, 99)], itl: [percentile(truth.itlMs, 50), percentile(truth.itlMs, 99)] };
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    client,
    concurrency,
    requests,
    responses: reported.responses,
    errors: reported.errors,
    reported: { ttftP50: round(reported.ttft[0]), ttftP99: round(reported.ttft[1]), itlP50: round(reported.itl[0]), itlP99: round(reported.itl[1]) },
    truth: { ttftP50: round(t.ttft[0]), ttftP99: round(t.ttft[1]), itlP50: round(t.itl[0]), itlP99: round(t.itl[1]) },
    // Reported minus true: positive means the client saw it later than the server sent it.
    error: {
      ttftP50: round(reported.ttft[0] - t.ttft[0]),
      ttftP99: round(reported.ttft[1] - t.ttft[1]),
      itlP50: round(reported.itl[0] - t.itl[0]),
      itlP99: round(reported.itl[1] - t.itl[1]),
    },
    // The simulator's own lateness against its schedule: large values blame the server side, not the client.
    simulatorLagMs: stats.lagMs,
    clientCpuS: round((cpu.user + cpu.system) / 1e6),
    wallS: round(wallS),
    eventsPerS: Math.round((reported.responses * (TOKENS + 2)) / wallS),
    clientHealth: health,
  };
}

/** The points: 64 and 256 streams at ITL 10 ms, 1,024 streams at ITL 100 ms; the first of `waves` waves is warm-up. */
export const FIDELITY_POINTS = [
  { concurrency: 64, itlMs: 10, waves: 3 },
  { concurrency: 256, itlMs: 10, waves: 3 },
  { concurrency: 1024, itlMs: 100, waves: 2 },
];

export async function runFidelity(points = FIDELITY_POINTS, log = () => {}) {
  const rows = [];
  for (const point of points) {
    const sim = await startSimulator({ ttftMs: TTFT_MS, itlMs: point.itlMs, outputTokens: TOKENS, slots: point.concurrency, contention: 0, recordSendTimes: true, seed: 1 });
    try {
      for (const client of ['floor', 'llmperf']) {
        const row = { ...(await measure(client, sim, point.concurrency, point.concurrency * point.waves)), itlMs: point.itlMs, simulatorPinned: sim.pinned };
        log(row);
        rows.push(row);
      }
    } finally {
      sim.close();
    }
  }
  return rows;
}
