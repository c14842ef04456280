// Eval against stand-in servers over real HTTP: llama.cpp's logprob shape, servers without echo (400, llama.cpp's 500), refused keys, the cache, -q.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evalExitCode, executeEval, toEvalPlan } from '../../src/eval/evaluate.js';
import { evalCommand } from '../../src/cli/eval-command.js';
import { EXIT_NO_SCORES } from '../../src/errors.js';
import type { ReviewRecord } from '../../src/eval/runner.js';

/**
 * A tiny stand-in server. /v1/completions with echo returns one token per character in llama.cpp's
 * `logprobs.content` shape (no text_offset), giving the last character log-probability 0 when it is "B"
 * and -5 otherwise, so "B" always wins; or, with `shape: 'none'`, no log-probabilities at all.
 * Chat requests stream "The answer is (B)."
 */
function startServer(shape: 'chat' | 'none' | 'reject' | 'llama500' | 'auth'): Promise<{ server: Server; url: string; completions: () => number; posts: () => number }> {
  let completions = 0;
  let posts = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'tiny', object: 'model' }] }));
        return;
      }
      const body = JSON.parse(raw || '{}') as { prompt?: string; stream?: boolean };
      if (req.method === 'POST') posts++;
      if (shape === 'auth') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      if (req.url === '/v1/completions') {
        completions++;
        if (shape === 'llama500') {
          // llama.cpp's server, byte for byte: a 500, not a 4xx, for a parameter it does not take.
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":{"code":500,"message":"Unsupported param: echo","type":"server_error"}}');
          return;
        }
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
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, completions: () => completions, posts: () => posts })));
}

let running: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (running ? running.close(() => r()) : r()));
  running = null;
});

function plan(url: string, datasets = 'mmlu', mode = 'loglikelihood') {
  const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-'));
  return toEvalPlan({ datasets, url, mode, concurrency: '4', seed: '0', cache: true, cacheDir: join(out, 'cache'), samples: '1', codeTimeout: '10', simAccuracy: '0.8', out });
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
  it('recognises llama.cpp\'s 500 "Unsupported param: echo" from one probe and falls back for every benchmark', async () => {
    const s = await startServer('llama500');
    running = s.server;
    const { doc } = await executeEval(plan(s.url, 'mmlu,arc'));
    for (const name of ['mmlu', 'arc']) {
      expect(doc.benchmarks[name]!.mode).toBe('generate');
      expect(doc.benchmarks[name]!.notes.join(' ')).toMatch(/rejected completions with echo \+ logprobs.*Unsupported param: echo.*fell back to generate/);
      expect(doc.benchmarks[name]!.failed_requests).toBe(0);
    }
    // One probe for the whole eval: not one per benchmark, never one per item (56,000 on real MMLU).
    expect(s.completions()).toBe(1);
  });
});

describe('an eval whose every request fails', () => {
  it('has no score, says why, counts the failures in progress, and maps to exit code 4', async () => {
    const s = await startServer('auth');
    running = s.server;
    const lines: string[] = [];
    const p = { ...plan(s.url, 'gsm8k', 'generate'), url: s.url };
    const { doc } = await executeEval(p, (l) => lines.push(l));
    const gsm = doc.benchmarks.gsm8k!;
    expect(gsm.score).toBeNull();
    expect(gsm.scored_items).toBe(0);
    expect(gsm.failed_requests).toBe(4);
    expect(gsm.error).toMatch(/no item was scored.*401/);
    expect(evalExitCode(doc)).toBe(EXIT_NO_SCORES);
    expect(lines.join('\n')).toMatch(/gsm8k: 4\/4 requests done: 0 answered by the server, 4 failed/);
    expect(lines.join('\n')).not.toMatch(/4\/4 requests answered/);
  });
});

describe('a refused API key in loglikelihood mode', () => {
  it('stops after the one probe request: no fallback, no benchmark of refused requests', async () => {
    const s = await startServer('auth');
    running = s.server;
    const { doc } = await executeEval(plan(s.url, 'mmlu'));
    expect(doc.benchmarks.mmlu).toMatchObject({ mode: 'loglikelihood', score: null, scored_items: 0, failed_requests: 1 });
    expect(doc.benchmarks.mmlu!.error).toMatch(/401/);
    expect(s.posts()).toBe(1); // the probe, and nothing after it
    expect(evalExitCode(doc)).toBe(EXIT_NO_SCORES);
  });
});

describe('the review file in loglikelihood mode', () => {
  it('records every metric per item and marks the headline (HellaSwag: acc_norm), value and correct agreeing with it', async () => {
    const s = await startServer('chat');
    running = s.server;
    const p = plan(s.url, 'hellaswag');
    const { doc, outDir } = await executeEval(p);
    const records = readFileSync(join(outDir, 'eval-samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ReviewRecord);
    expect(records.length).toBe(doc.benchmarks.hellaswag!.n);
    for (const r of records) {
      expect(r.headline).toBe('acc_norm');
      expect(Object.keys(r.values!).sort()).toEqual(['acc', 'acc_bytes', 'acc_norm']);
      expect(r.value).toBe(r.values!.acc_norm);
      expect(r.correct).toBe(r.values!.acc_norm === 1);
    }
    // Per-character log-probabilities favour short endings in acc and long ones in acc_norm: they disagree somewhere.
    expect(records.some((r) => r.values!.acc !== r.values!.acc_norm)).toBe(true);
    expect(doc.benchmarks.hellaswag!.score).toBeCloseTo(records.reduce((a, r) => a + r.value, 0) / records.length, 12);
  });
});

describe('against a real server', () => {
  it('warns on the console and in eval.json that the shipped samples are not the benchmark', async () => {
    const s = await startServer('chat');
    running = s.server;
    const lines: string[] = [];
    const { doc } = await executeEval(plan(s.url, 'mmlu,gsm8k', 'generate'), (l) => lines.push(l));
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]).toMatch(/shipped samples.*mmlu \(8\), gsm8k \(4\).*NOT the benchmarks.*--data-dir/);
    expect(lines.join('\n')).toContain(`warning: ${doc.warnings[0]}`);
  });
  it('reports answers served from the cache (console and eval.json), keyed by server URL and model', async () => {
    const s = await startServer('chat');
    running = s.server;
    const first = plan(s.url, 'mmlu', 'generate');
    await executeEval(first);
    const lines: string[] = [];
    const again = await executeEval({ ...first, outDir: mkdtempSync(join(tmpdir(), 'llmperf-eval-')) }, (l) => lines.push(l));
    const mmlu = again.doc.benchmarks.mmlu!;
    expect(mmlu.cached_responses).toBe(8);
    expect(mmlu.notes.join(' ')).toMatch(/8 of 8 answer\(s\) came from the response cache/);
    expect(lines.join('\n')).toMatch(/mmlu: 8\/8 requests done: 0 answered by the server, 8 from the cache, 0 failed/);
    // The same model id behind another URL is another server: nothing is reused.
    const other = await startServer('chat');
    try {
      const elsewhere = await executeEval({ ...first, url: other.url, outDir: mkdtempSync(join(tmpdir(), 'llmperf-eval-')) });
      expect(elsewhere.doc.benchmarks.mmlu!.cached_responses).toBe(0);
      expect(other.posts()).toBe(8);
      // And another model id on the same server neither.
      const otherModel = await executeEval({ ...first, model: 'tiny-2', outDir: mkdtempSync(join(tmpdir(), 'llmperf-eval-')) });
      expect(otherModel.doc.benchmarks.mmlu!.cached_responses).toBe(0);
    } finally {
      await new Promise<void>((r) => other.server.close(() => r()));
    }
  });
  it('-q prints only the score table, and the samples warning that no flag silences', async () => {
    const s = await startServer('chat');
    running = s.server;
    const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-'));
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      await evalCommand().exitOverride().parseAsync(['-q', '--datasets', 'mmlu', '--url', s.url, '--out', out, '--cache-dir', join(out, 'cache')], { from: 'user' });
    } finally {
      vi.restoreAllMocks();
    }
    expect(stdout).toMatch(/mmlu.*accuracy.*0\.5000/);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^warning: --url without --data-dir: these scores are on the shipped samples/)]);
  });
});
