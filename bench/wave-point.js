// One client's closed-loop run in a fresh process (cold, as a real CLI run starts), TTFT per request grouped by wave.
// Usage: node bench/wave-point.js '{"client":"floor"|"llmperf","url":U,"concurrency":C,"waves":W,"tokens":N}'; prints one JSON line.
import { benchConfig } from './llmperf-client.js';
import { runPacedFloor } from './paced-floor.js';
import { LoadRun } from '../dist/engine/index.js';

const args = JSON.parse(process.argv[2]);
const requests = args.concurrency * args.waves;
const waves = Array.from({ length: args.waves }, () => []);
let connections = null;

if (args.client === 'floor') {
  const body = JSON.stringify({
    model: 'llmperf-bench',
    messages: [{ role: 'user', content: 'Write one short sentence about load testing.' }],
    max_tokens: args.tokens,
    stream: true,
    stream_options: { include_usage: true },
  });
  const r = await runPacedFloor({ url: args.url, body, concurrency: args.concurrency, requests });
  r.ttftMs.forEach((ttft, i) => waves[Math.min(args.waves - 1, r.ttftWave[i])].push(ttft));
} else {
  const records = [];
  const run = new LoadRun(benchConfig({ baseUrl: args.url, concurrency: args.concurrency, requests, outputTokens: args.tokens }), {
    onRecord: (record) => records.push(record),
  });
  const outcome = await run.run();
  connections = outcome.connections ?? null;
  if (connections) connections = { ...connections, connectMs: undefined };
  // Closed loop: in send order, the first C requests are wave 0, the next C wave 1...
  records.sort((a, b) => a.start_ms - b.start_ms).forEach((record, rank) => {
    if (record.ttft_ms !== null) waves[Math.min(args.waves - 1, Math.floor(rank / args.concurrency))].push(record.ttft_ms);
  });
}
process.stdout.write(JSON.stringify({ waves, connections }) + '\n');
process.exit(0);
