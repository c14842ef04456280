// Test doubles for evals (issue 8) and judges (issue 9): scripted answers, echo log-probabilities, /tokenize, verdicts.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { KNOWN_TAIL_LOGPROB, ratingForAnswer, startMockServer, tokenId, tokenizeSimple, type MockServer } from '../../src/mock/index.js';
import { post } from './helpers.js';

let sim: MockServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const key = Array.from({ length: 200 }, (_, i) => ({ match: `Question ${i}: what is ${i} + 1?`, correct: `The answer is ${i + 1}.`, incorrect: `The answer is ${i + 2}.` }));

async function ask(client: OpenAI, content: string): Promise<string> {
  const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] });
  return r.choices[0]!.message.content ?? '';
}

describe('answer key', () => {
  it('answers matched questions correctly with the configured probability, the same way every time', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, answerKey: key, answerAccuracy: 0.7, seed: 3 });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    let correct = 0;
    for (const e of key) {
      const reply = await ask(client, `Please answer.\n${e.match}`);
      expect([e.correct, e.incorrect]).toContain(reply);
      if (reply === e.correct) correct++;
    }
    // 200 items at p = 0.7: standard deviation 3.2 %; allow about 3.5 sigma.
    expect(correct / 200).toBeGreaterThan(0.59);
    expect(correct / 200).toBeLessThan(0.81);
    // Decided once per question: asking again gives the same reply.
    expect(await ask(client, key[0]!.match)).toBe(await ask(client, key[0]!.match));
  });

  it('takes the question asked last in a few-shot prompt, streams the scripted text, and generates otherwise', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, answerKey: key, answerAccuracy: 1, outputTokens: 7 });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    expect(await ask(client, `${key[5]!.match} The answer is 6.\n\n${key[9]!.match}`)).toBe('The answer is 10.');
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: key[1]!.match }], stream: true });
    let text = '';
    let n = 0;
    for await (const c of stream) {
      if (c.choices[0]?.delta?.content) {
        text += c.choices[0].delta.content;
        n++;
      }
    }
    expect(text).toBe('The answer is 2.');
    expect(n).toBe(tokenizeSimple('The answer is 2.').length);
    expect(tokenizeSimple(await ask(client, 'unrelated question'))).toHaveLength(7);
    const completion = await client.completions.create({ model: 'm', prompt: `Q: ${key[2]!.match}\nA:` });
    expect(completion.choices[0]!.text).toBe('The answer is 3.');
  });
});

describe('echo log-probabilities', () => {
  it('returns the legacy shape over the prompt, with the known answer tail near-certain', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, answerKey: key, answerAccuracy: 1 });
    const score = async (continuation: string) => {
      const prompt = `${key[4]!.match}\nAnswer:${continuation}`;
      const r = await post(sim!.url, '/v1/completions', { prompt, echo: true, logprobs: 1, max_tokens: 0, temperature: 0 });
      expect(r.status).toBe(200);
      const lp = JSON.parse(r.text).choices[0].logprobs;
      const toks = tokenizeSimple(prompt);
      expect(lp.tokens).toEqual(toks.map((t) => t.text));
      expect(lp.text_offset).toEqual(toks.map((t) => t.offset));
      expect(lp.token_logprobs[0]).toBeNull();
      expect(lp.top_logprobs[0]).toBeNull();
      expect(lp.top_logprobs[1]).toEqual({ [lp.tokens[1]]: lp.token_logprobs[1] });
      const start = prompt.length - continuation.length;
      const tail = lp.token_logprobs.filter((_: number, i: number) => lp.text_offset[i] >= start);
      return { lp, tail };
    };
    const right = await score(` ${key[4]!.correct}`);
    expect(right.tail.every((x: number) => x === KNOWN_TAIL_LOGPROB)).toBe(true);
    const wrong = await score(` ${key[4]!.incorrect}`);
    expect(wrong.tail.every((x: number) => x >= -8 && x <= -2)).toBe(true);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(right.tail)).toBeGreaterThan(sum(wrong.tail));
    // The same text scores the same on every call.
    expect((await score(` ${key[4]!.incorrect}`)).lp).toEqual(wrong.lp);
  });

  it('max_tokens 1 with echo appends one generated token with its own log-probability', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0 });
    const r = JSON.parse((await post(sim.url, '/v1/completions', { prompt: 'a b c', echo: true, logprobs: 1, max_tokens: 1 })).text);
    expect(r.choices[0].text.startsWith('a b c ')).toBe(true);
    expect(r.choices[0].logprobs.tokens).toHaveLength(4);
    expect(r.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1 });
  });

  it('/tokenize returns ids and a count by the same rule', async () => {
    sim = await startMockServer({ port: 0 });
    for (const path of ['/tokenize', '/v1/tokenize']) {
      const r = JSON.parse((await post(sim.url, path, { model: 'm', prompt: 'Hello, world!' })).text);
      expect(r.count).toBe(4);
      expect(r.tokens).toEqual(['Hello', ',', ' world', '!'].map(tokenId));
    }
  });
});

describe('judge rules', () => {
  const pairwise = (a: string, b: string) =>
    `[User Question]\nQ\n\n[The Start of Assistant A's Answer]\n${a}\n[The End of Assistant A's Answer]\n\n[The Start of Assistant B's Answer]\n${b}\n[The End of Assistant B's Answer]`;
  const verdict = (text: string) => text.match(/\[\[([ABC])\]\]\s*$/)?.[1];

  it('longer: the longer answer wins, equal lengths tie; first and second always pick a side', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, judgeRule: 'longer' });
    let client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    expect(verdict(await ask(client, pairwise('short', 'a much longer answer')))).toBe('B');
    expect(verdict(await ask(client, pairwise('a much longer answer', 'short')))).toBe('A');
    expect(verdict(await ask(client, pairwise('same', 'same')))).toBe('C');
    await sim.close();
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, judgeRule: 'first' });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    expect(verdict(await ask(client, pairwise('short', 'a much longer answer')))).toBe('A');
    expect(verdict(await ask(client, pairwise('a much longer answer', 'short')))).toBe('A');
  });

  it('single grade: Rating: [[N]] from the answer length', async () => {
    sim = await startMockServer({ port: 0, ttftMs: 0, itlMs: 0, judgeRule: 'longer' });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const answer = 'x'.repeat(130);
    const reply = await ask(client, `Rate this.\n[The Start of Assistant's Answer]\n${answer}\n[The End of Assistant's Answer]`);
    expect(reply).toMatch(/Rating: \[\[4\]\]$/);
    expect(ratingForAnswer(answer)).toBe(4);
    expect(ratingForAnswer('x'.repeat(10_000))).toBe(10);
    // Not a judge prompt: generated text as usual.
    expect(await ask(client, 'hello')).not.toMatch(/\[\[/);
  });
});
