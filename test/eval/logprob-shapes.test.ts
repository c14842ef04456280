// Log-likelihood over real HTTP against servers that answer the other ways: llama.cpp's chat-style logprobs, or none.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeEval, toEvalPlan } from '../../src/eval/evaluate.js';

/**
 * A tiny stand-in server. /v1/completions with echo returns one token per character in llama.cpp's
 * `logprobs.content` shape (no text_offset), giving the last character log-probability 0 when it is "B"
 * and -5 otherwise, so "B" always wins; or, with `shape: 'none'`, no log-probabilities at all.
 * Chat requests stream "The answer is (B)."
 */
function startServer(shape: 'chat' | 'none' | 'reject'): Promise<{ server: Server; url: string; completions: () => number }> {
  let completions = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'tiny', object: 'model' }] }));
        return;
      }
      const body = JSON.parse(raw || '{}') as { prompt?: string; stream?: boolean };
      if (req.url === '/v1/completions') {
        completions++;
        if (shape === 'reject') {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'echo is not supported with logprobs', type: 'BadRequestError' } }));
          return;
        }
        const prompt = body.prompt ?? '';
        const last = prompt.length - 1;
        const content = [...prompt, '\n'].map((token, i) => ({ token, logprob: i === last ? (token === 'B' ? 0 : -5) : -1, top_logprobs: [] }));
        const logprobs = shape === 'chat' ? { content } : null;
        const usage = { prompt_tokens: prompt.length, completion_tokens: 1, total_tokens: prompt.length + 1 };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'c', object: 'text_completion', model: 'tiny', choices: [{ index: 0, text: `${prompt}\n`, logprobs, finish_reason: 'length' }], usage }));
        return;
      }
      if (req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'tiny', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
        res.write(chunk({ role: 'assistant', content: '' }));
        res.write(chunk({ content: 'The answer is (B).' }));
        res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'tiny', choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, completions: () => completions })));
}

let running: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (running ? running.close(() => r()) : r()));
  running = null;
});

function plan(url: string) {
  const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-'));
  return toEvalPlan({ datasets: 'mmlu', url, mode: 'loglikelihood', concurrency: '4', seed: '0', cache: true, cacheDir: join(out, 'cache'), samples: '1', codeTimeout: '10', simAccuracy: '0.8', out });
}

// The shipped MMLU sample has 8 test items, 4 of them with gold B.
describe('log-likelihood response shapes', () => {
  it('scores from llama.cpp-style logprobs.content without text_offset', async () => {
    const s = await startServer('chat');
    running = s.server;
    const { doc } = await executeEval(plan(s.url));
    expect(doc.benchmarks.mmlu!.mode).toBe('loglikelihood');
    expect(doc.benchmarks.mmlu!.score).toBe(0.5);
    expect(s.completions()).toBe(8 * 4);
  });
  it('says so and falls back to generate when the server returns no prompt log-probabilities', async () => {
    const s = await startServer('none');
    running = s.server;
    const lines: string[] = [];
    const { doc } = await executeEval(plan(s.url), (l) => lines.push(l));
    const mmlu = doc.benchmarks.mmlu!;
    expect(mmlu.mode).toBe('generate');
    expect(mmlu.metric).toBe('accuracy');
    expect(mmlu.score).toBe(0.5);
    expect(mmlu.notes.join(' ')).toMatch(/no prompt log-probabilities.*fell back to generate/);
    expect(lines.join('\n')).toMatch(/fell back to generate/);
    // one probe request found the server cannot, instead of all 32
    expect(s.completions()).toBe(1);
  });
  it('falls back after one request when the server rejects echo + logprobs with a client error', async () => {
    const s = await startServer('reject');
    running = s.server;
    const { doc } = await executeEval(plan(s.url));
    expect(doc.benchmarks.mmlu!.mode).toBe('generate');
    expect(doc.benchmarks.mmlu!.notes.join(' ')).toMatch(/rejected completions with echo \+ logprobs.*400/);
    expect(s.completions()).toBe(1);
  });
});
