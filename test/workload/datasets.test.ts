// Every dataset format from the shipped samples in prompts/, bad records reported as file:line, and the length specs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_DATASETS, loadWorkload, samplePath, type WorkloadOptions } from '../../src/workload/datasets/index.js';
import { parseLengthSpec, sampleLength } from '../../src/workload/lengths.js';
import { seededRandom } from '../../src/workload/random.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';

const file = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'llmperf-ds-')), name);
  writeFileSync(path, content);
  return path;
};
const load = (options: Partial<WorkloadOptions>) => loadWorkload({ count: 10, seed: 1, counter: APPROX_COUNTER, ...options });

describe('shipped samples, one per format', () => {
  it('lines: one prompt a line, each a single user message', () => {
    const { prompts, kind, source } = load({ dataset: 'lines' });
    expect(kind).toBe('lines');
    expect(source).toBe('sample:prompts/default.txt');
    expect(prompts.length).toBeGreaterThanOrEqual(20);
    expect(prompts[0]!.messages).toEqual([{ role: 'user', content: prompts[0]!.text }]);
  });

  it('jsonl: "prompt" or "messages" per line', () => {
    const { prompts } = load({ dataset: 'jsonl' });
    expect(prompts[0]!.messages[0]).toEqual({ role: 'system', content: 'You are a concise assistant.' });
    expect(prompts.some((p) => p.messages.length === 1 && p.messages[0]!.role === 'user')).toBe(true);
  });

  it('sharegpt: the first human turn (after any system message) as prompt, the recorded reply length as max_tokens', () => {
    const { prompts } = load({ dataset: 'sharegpt' });
    expect(prompts).toHaveLength(8);
    expect(prompts[0]!.messages).toEqual([{ role: 'user', content: 'What is the difference between a process and a thread?' }]);
    expect(prompts[1]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    // The reply is 263 characters: 66 tokens by the 4-characters rule.
    expect(prompts[0]!.outputTokens).toBe(66);
    // The third record has two exchanges: only the first one is used.
    expect(prompts[2]!.messages).toEqual([{ role: 'user', content: 'Write a short SQL query that counts orders per customer.' }]);
  });

  it('sharegpt: --output-tokens overrides the recorded lengths', () => {
    const { prompts } = load({ dataset: 'sharegpt', outputTokens: { kind: 'fixed', tokens: 32 } });
    expect(prompts.every((p) => p.outputTokens === 32)).toBe(true);
  });

  it('openai-batch: chat messages, completions prompts, and max_tokens / max_completion_tokens', () => {
    const { prompts } = load({ dataset: 'openai-batch' });
    expect(prompts).toHaveLength(6);
    expect(prompts[0]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(prompts.map((p) => p.outputTokens)).toEqual([96, 160, 64, 200, 80, undefined]);
    expect(prompts[4]!.text).toBe('The three laws of thermodynamics are');
  });

  it('multi-turn: the first user turn (with any system message) and the later user turns; assistant turns are dropped', () => {
    const { prompts } = load({ dataset: 'multi-turn' });
    expect(prompts).toHaveLength(6);
    expect(prompts[0]!.messages).toEqual([
      { role: 'system', content: 'You are a patient programming tutor.' },
      { role: 'user', content: 'What is recursion?' },
    ]);
    expect(prompts[0]!.turns).toEqual(['Show me a recursive factorial in Python.', 'How would I write it without recursion?']);
    // ShareGPT-style and messages-style records work too.
    expect(prompts[3]!.turns).toEqual(['She is grey and very calm.', 'Pebble it is. What should a new kitten eat?']);
    expect(prompts[4]!.messages[0]).toEqual({ role: 'system', content: 'Answer briefly.' });
    expect(prompts[4]!.turns).toEqual(['Why not Sydney?']);
  });

  it('every format has a sample that exists', () => {
    for (const kind of Object.keys(FILE_DATASETS) as Array<keyof typeof FILE_DATASETS>) {
      expect(load({ dataset: kind }).prompts.length, kind).toBeGreaterThan(0);
      expect(samplePath(kind)).toMatch(/prompts[/\\]/);
    }
  });

  it('--prompts is shorthand: .jsonl or a leading { means jsonl, else lines', () => {
    expect(load({ promptsFile: samplePath('jsonl') }).kind).toBe('jsonl');
    expect(load({ promptsFile: file('p.txt', '{"prompt":"x"}\n') }).kind).toBe('jsonl');
    expect(load({ promptsFile: samplePath('lines') }).kind).toBe('lines');
    expect(() => load({ promptsFile: samplePath('lines'), dataset: 'lines' })).toThrow('--prompts');
  });
});

describe('bad records name file:line, all of them', () => {
  it('jsonl: every bad line, with its line number', () => {
    const path = file('bad.jsonl', '{"prompt":"ok"}\nnot json\n\n{"prompt": 3}\n{"messages":[{"role":"robot","content":"x"}]}\n{"prompt":"ok","max_tokens":0}\n');
    let message = '';
    try {
      load({ dataset: 'jsonl', datasetPath: path });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('4 bad record(s)');
    expect(message).toContain(`${path}:2: not valid JSON`);
    expect(message).toContain(`${path}:4: needs a non-empty "prompt"`);
    expect(message).toContain(`${path}:5: messages[0].role`);
    expect(message).toContain(`${path}:6: "max_tokens"`);
    expect(message).not.toContain(`${path}:1:`);
  });

  it('sharegpt as a JSON array: line numbers of the records themselves', () => {
    const content = [
      '[',
      '  {"conversations": [{"from": "human", "value": "a [tricky] {string}"}, {"from": "gpt", "value": "b"}]},',
      '  {',
      '    "conversations": "oops"',
      '  },',
      '  {"conversations": [{"from": "alien", "value": "x"}]}',
      ']',
    ].join('\n');
    const path = file('bad.json', content);
    expect(() => load({ dataset: 'sharegpt', datasetPath: path })).toThrow(`${path}:3: needs a "conversations" array`);
    expect(() => load({ dataset: 'sharegpt', datasetPath: path })).toThrow(`${path}:6: conversations[0].from "alien"`);
  });

  it('sharegpt: records without a reply are skipped and listed; none usable is an error, not an empty run', () => {
    const path = file('s.jsonl', [
      '{"conversations":[{"from":"human","value":"q1"},{"from":"gpt","value":"a1"}]}',
      '{"conversations":[{"from":"human","value":"only a question"}]}',
      '{"conversations":[{"from":"gpt","value":"only an answer"}]}',
    ].join('\n'));
    const { prompts, skipped } = load({ dataset: 'sharegpt', datasetPath: path });
    expect(prompts).toHaveLength(1);
    expect(skipped).toEqual([`${path}:2: no human turn followed by a reply`, `${path}:3: no human turn followed by a reply`]);
    const none = file('none.jsonl', '{"conversations":[{"from":"gpt","value":"x"}]}\n');
    expect(() => load({ dataset: 'sharegpt', datasetPath: none })).toThrow('no usable prompt');
  });

  it('openai-batch and multi-turn: bad lines with file:line', () => {
    const batch = file('b.jsonl', '{"method":"GET","url":"/v1/chat/completions","body":{}}\n{"url":"/v1/images","body":{}}\n{"url":"/v1/completions","body":{"prompt":""}}\n');
    expect(() => load({ dataset: 'openai-batch', datasetPath: batch })).toThrow(new RegExp(`3 bad record.*: ${batch}:1: "method"[^]*${batch}:2: "url"[^]*${batch}:3: body.prompt`));
    const turns = file('t.jsonl', '{"turns":["a","b"]}\n{"turns":[]}\n{"something":1}\n');
    expect(() => load({ dataset: 'multi-turn', datasetPath: turns })).toThrow(new RegExp(`${turns}:2: "turns"[^]*${turns}:3: needs`));
  });

  it('empty and missing files, and flag mix-ups, are usage errors', () => {
    expect(() => load({ dataset: 'lines', datasetPath: file('e.txt', '\n \n') })).toThrow('no prompt');
    expect(() => load({ dataset: 'jsonl', datasetPath: 'no/such/file.jsonl' })).toThrow('cannot read');
    expect(() => load({ dataset: 'csv' })).toThrow('--dataset csv: must be one of random, lines, jsonl, sharegpt, openai-batch, multi-turn');
    expect(() => load({ dataset: 'random', datasetPath: samplePath('lines') })).toThrow('drop --dataset-path');
    expect(() => load({ dataset: 'lines', inputTokens: { kind: 'fixed', tokens: 5 } })).toThrow('--input-tokens');
    expect(() => load({ inputTokens: { kind: 'fixed', tokens: 10 }, prefixTokens: 10 })).toThrow('--prefix-tokens 10');
  });
});

describe('random dataset and length specs', () => {
  it('--input-tokens alone means random; lengths follow the spec; the same seed, the same prompts', () => {
    const a = load({ inputTokens: parseLengthSpec('100:200', '--input-tokens'), count: 50 });
    expect(a.kind).toBe('random');
    expect(a.source).toBe('random:100:200');
    for (const p of a.prompts) {
      expect(p.inputTokensEstimate).toBeGreaterThanOrEqual(100);
      expect(p.inputTokensEstimate).toBeLessThanOrEqual(200);
    }
    expect(load({ inputTokens: parseLengthSpec('100:200', '--input-tokens'), count: 50 }).prompts).toEqual(a.prompts);
  });

  it('parses N, MIN:MAX and normal:MEAN,SD, and rejects the rest with the grammar', () => {
    expect(parseLengthSpec('512', '--input-tokens')).toEqual({ kind: 'fixed', tokens: 512 });
    expect(parseLengthSpec('128:2048', '--input-tokens')).toEqual({ kind: 'uniform', min: 128, max: 2048 });
    expect(parseLengthSpec('normal:512,128', '--input-tokens')).toEqual({ kind: 'normal', mean: 512, sd: 128 });
    expect(() => parseLengthSpec('abc', '--input-tokens')).toThrow('use N, MIN:MAX or normal:MEAN,SD');
    expect(() => parseLengthSpec('10:5', '--output-tokens')).toThrow('MIN must not exceed MAX');
    expect(() => parseLengthSpec('0', '--output-tokens')).toThrow('at least 1');
  });

  it('samples stay in range; the normal has about the asked mean and spread', () => {
    const random = seededRandom(5);
    const uniform = Array.from({ length: 2000 }, () => sampleLength({ kind: 'uniform', min: 10, max: 20 }, random));
    expect(Math.min(...uniform)).toBe(10);
    expect(Math.max(...uniform)).toBe(20);
    const normal = Array.from({ length: 5000 }, () => sampleLength({ kind: 'normal', mean: 500, sd: 100 }, random));
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
    const sd = Math.sqrt(normal.reduce((a, x) => a + (x - mean) ** 2, 0) / normal.length);
    // 5000 draws: standard error of the mean is 1.4 tokens, of the sd about 1 token.
    expect(Math.abs(mean - 500)).toBeLessThan(8);
    expect(Math.abs(sd - 100)).toBeLessThan(6);
  });
});

describe('large and broken JSON arrays', () => {
  it('reads a JSON array element by element (bytes, not one giant string), with multi-byte text and escapes', () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      conversations: [
        { from: 'human', value: `frage ${i}: "straße" ünd 日本語 \\ [x] {y},` },
        { from: 'gpt', value: 'answer '.repeat(1 + (i % 5)) },
      ],
    }));
    const path = file('big.json', JSON.stringify(records, null, 1));
    const { prompts } = load({ dataset: 'sharegpt', datasetPath: path });
    expect(prompts).toHaveLength(3000);
    expect(prompts[2999]!.text).toBe('frage 2999: "straße" ünd 日本語 \\ [x] {y},');
  });

  it('a truncated array names the bad record and says the array is not closed', () => {
    const path = file('cut.json', '[\n {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]},\n {"conversations": [{"from": "hum');
    expect(() => load({ dataset: 'sharegpt', datasetPath: path })).toThrow(`${path}:3: the JSON array is not closed`);
  });
});
