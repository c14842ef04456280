// A judge whose server reports an error inside a 200 stream (as vLLM and llama.cpp do) is a judge error, never an unparsable verdict.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arenaAction } from '../../../src/cli/arena.js';
import type { ArenaDocument } from '../../../src/eval/arena/run.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';

/** The error event shapes real servers send mid-stream: OpenAI/llama.cpp `{"error": {...}}`, vLLM `{"object": "error", ...}`. */
const ERROR_EVENTS = {
  error_object: JSON.stringify({ error: { message: 'CUDA out of memory', type: 'server_error', code: 500 } }),
  vllm_object: JSON.stringify({ object: 'error', message: 'CUDA out of memory', type: 'InternalServerError', param: null, code: 500 }),
};

function judgeFixture(errorEvent: string): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'judge' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Part of a verdict, then the server's error: the partial text must not be read as a (missing) verdict.
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Assistant A is [[' } }] })}\n\n`);
      res.write(`data: ${errorEvent}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let dir: string;
const sims: MockServer[] = [];
const fixtures: Server[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmperf-arena-judge-error-'));
  writeFileSync(join(dir, 'questions.jsonl'), `${JSON.stringify({ question: 'Why is the sea salty?', category: 'science' })}\n`);
  for (const tokens of [8, 20]) sims.push(await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, model: `m${tokens}`, outputTokens: tokens }));
});

afterAll(async () => {
  for (const s of sims) await s.close();
  for (const f of fixtures) await new Promise((r) => f.close(r));
});

describe('arena judge stream errors', () => {
  for (const [name, event] of Object.entries(ERROR_EVENTS)) {
    it(`counts a ${name} error event as a judge error`, async () => {
      const judge = await judgeFixture(event);
      fixtures.push(judge);
      const url = `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1`;
      const config = join(dir, `${name}.yaml`);
      writeFileSync(config, ['questions: questions.jsonl', 'mode: [pairwise, single]', 'candidates:', `  - { name: a, url: "${sims[0]!.url}" }`, `  - { name: b, url: "${sims[1]!.url}" }`, `judge: { name: judge, url: "${url}" }`, 'rating: { bootstrap_rounds: 5 }'].join('\n'));
      const out = join(dir, `out-${name}`);
      await arenaAction({ config, out, cache: false, quiet: true }, () => {});
      const doc = JSON.parse(readFileSync(join(out, 'arena.json'), 'utf8')) as ArenaDocument;
      expect(doc.modes.pairwise!.counts).toMatchObject({ planned: 1, judge_errors: 1, unparsable: 0 });
      expect(doc.modes.single!.leaderboard.every((r) => r.n === 0)).toBe(true);
      expect(doc.perf.judge.failed).toBe(doc.perf.judge.sent);
    });
  }
});
