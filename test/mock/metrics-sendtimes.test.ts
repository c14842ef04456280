// /metrics in vLLM's names (issue 10) and the simulator's own send-time record (issue 6).
import { afterEach, describe, expect, it } from 'vitest';
import { startMockInWorker, startMockServer, type MockServer } from '../../src/mock/index.js';
import { chunks, contentTimes, get, post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

/** Value of one sample line in Prometheus text. */
function sample(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm'));
  if (!m) throw new Error(`${name} missing from /metrics`);
  return Number(m[1]);
}

describe('/metrics', () => {
  it('shows running, waiting and cache usage while requests run, and token counters after', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 300, itlMs: 1, outputTokens: 5, slots: 2, model: 'sim-a' });
    const url = sim.url;
    const body = { messages: [{ role: 'user', content: 'one two three' }], stream: true };
    const running = Promise.all([0, 1, 2].map(() => post(url, '/v1/chat/completions', body)));
    await new Promise((r) => setTimeout(r, 100));
    const during = await get(url, '/metrics');
    expect(during.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(during.text).toMatch(/^# TYPE vllm:num_requests_running gauge$/m);
    expect(during.text).toContain('vllm:num_requests_running{model_name="sim-a"} 2.0');
    expect(sample(during.text, 'vllm:num_requests_waiting')).toBe(1);
    expect(sample(during.text, 'vllm:gpu_cache_usage_perc')).toBe(1);
    await running;
    const after = (await get(url, '/metrics')).text;
    expect(sample(after, 'vllm:num_requests_running')).toBe(0);
    expect(sample(after, 'vllm:num_requests_waiting')).toBe(0);
    expect(sample(after, 'vllm:prompt_tokens_total')).toBe(9);
    expect(sample(after, 'vllm:generation_tokens_total')).toBe(15);
    expect(sample(after, 'vllm:num_preemptions_total')).toBe(0);
    expect(after).toMatch(/^# TYPE vllm:generation_tokens_total counter$/m);
  });
});

describe('send times', () => {
  it('records each token write per response id, in the same epoch clock a client can read', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 30, itlMs: 10, outputTokens: 5, recordSendTimes: true });
    const t0Epoch = performance.timeOrigin + performance.now();
    const r = await post(sim.url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], stream: true });
    const id = chunks(r)[0].id as string;
    const { records, dropped } = await sim.sendTimes();
    expect(dropped).toBe(0);
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    expect(rec.id).toBe(id);
    expect(rec.tokenEpochMs).toHaveLength(5);
    expect(rec.arrivalEpochMs).toBeGreaterThanOrEqual(t0Epoch);
    // Token k is scheduled 30 + 10k ms after arrival and is never written early (a late one may be
    // followed closely by the next, which catches up with the schedule, so gaps are not asserted).
    rec.tokenEpochMs.forEach((t, k) => expect(t - rec.arrivalEpochMs).toBeGreaterThanOrEqual(30 + 10 * k - 0.5));
    expect([...rec.tokenEpochMs].sort((a, b) => a - b)).toEqual(rec.tokenEpochMs);
    // What the client saw comes after what the server sent, by the loopback delay.
    const clientFirstEpoch = t0Epoch + contentTimes(r)[0]!;
    expect(clientFirstEpoch).toBeGreaterThanOrEqual(rec.tokenEpochMs[0]! - 1);
    const viaHttp = JSON.parse((await get(sim.url, '/debug/send-times')).text);
    expect(viaHttp.records[0].id).toBe(id);
  });

  it('works across the worker boundary and records nothing unless asked', async () => {
    sim = await startMockInWorker({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 3, recordSendTimes: true });
    await post(sim.url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], stream: true });
    expect((await sim.sendTimes()).records[0]!.tokenEpochMs).toHaveLength(3);
    await sim.close();
    sim = await startMockServer({ port: 0, ttftMs: 1, itlMs: 1, outputTokens: 3 });
    await post(sim.url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], stream: true });
    expect((await sim.sendTimes()).records).toHaveLength(0);
  });
});
