// --tools, --tool-choice, --response-format and dataset records carrying "tools": read once, refused with one line when wrong.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadWorkload } from '../../src/workload/datasets/index.js';
import { loadResponseFormatFile } from '../../src/workload/response-format.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';
import { checkTools, loadToolsFile, parseToolChoice } from '../../src/workload/tools.js';

const file = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'llmperf-tools-')), name);
  writeFileSync(path, content);
  return path;
};
const SAMPLE = fileURLToPath(new URL('../../prompts/tools/weather-tools.json', import.meta.url));
const TOOL = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } };

describe('--tools FILE', () => {
  it('reads the shipped sample', () => {
    expect(loadToolsFile(SAMPLE).map((t) => t.function.name)).toEqual(['get_weather', 'search_flights']);
  });

  it.each([
    ['not json', '[{', /--tools .*: not valid JSON/],
    ['not an array', '{"type": "function"}', /"tools" must be a non-empty array/],
    ['not OpenAI format', '[{"name": "x", "parameters": {}}]', /tool 1: must be \{"type": "function"/],
    ['bad name', '[{"type": "function", "function": {"name": "a b"}}]', /tool 1: "function.name" must be 1-64/],
    ['duplicate', JSON.stringify([TOOL, TOOL]), /tool 2: the name "lookup" is used twice/],
    ['bad schema', '[{"type": "function", "function": {"name": "x", "parameters": {"type": "objekt"}}}]', /tool 1 \(x\): "function.parameters" is not a usable JSON Schema/],
  ])('%s: one line, a UsageError', (_what, content, message) => {
    const path = file('tools.json', content);
    const error = (() => {
      try {
        loadToolsFile(path);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.message).toMatch(message);
    expect(error!.message).not.toContain('\n');
  });

  it('a missing file says so', () => {
    expect(() => loadToolsFile('/nonexistent/tools.json')).toThrow('--tools /nonexistent/tools.json: cannot read the file; check the path');
  });
});

describe('--tool-choice', () => {
  const tools = checkTools([TOOL]) as ReturnType<typeof loadToolsFile>;
  it('takes the modes and a tool name that exists', () => {
    expect(['auto', 'required', 'none', 'lookup'].map((c) => parseToolChoice(c, tools))).toEqual(['auto', 'required', 'none', 'lookup']);
    expect(parseToolChoice(undefined, tools)).toBeNull();
    expect(() => parseToolChoice('missing', tools)).toThrow('--tool-choice missing: no tool of that name in --tools (it has lookup)');
    expect(() => parseToolChoice('not a name', tools)).toThrow('use auto, required, none or the name of a tool');
  });
});

describe('--response-format FILE', () => {
  it('a bare schema is named after its file; OpenAI\'s {name, schema} keeps its name', () => {
    expect(loadResponseFormatFile(file('my answer.json', '{"type": "object"}'))).toEqual({ name: 'my_answer', schema: { type: 'object' } });
    expect(loadResponseFormatFile(file('x.json', '{"name": "invoice", "schema": {"type": "object"}, "strict": true}')).name).toBe('invoice');
  });
  it.each([
    ['[1]', 'must hold a JSON Schema object'],
    ['{"type": 3}', 'not a usable JSON Schema'],
    ['{nope', 'not valid JSON'],
  ])('%s is refused: %s', (content, message) => {
    expect(() => loadResponseFormatFile(file('f.json', content))).toThrow(message);
  });
});

describe('dataset records carrying tools', () => {
  it('jsonl "tools" and openai-batch body.tools become the prompt\'s tools', () => {
    const jsonl = file('d.jsonl', [JSON.stringify({ prompt: 'a', tools: [TOOL] }), JSON.stringify({ prompt: 'b' })].join('\n'));
    const prompts = loadWorkload({ datasetPath: jsonl, count: 10, seed: 1, counter: APPROX_COUNTER }).prompts;
    expect(prompts.map((p) => p.tools?.[0]?.function.name)).toEqual(['lookup', undefined]);
    const batch = file('b.jsonl', JSON.stringify({ custom_id: '1', method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }], tools: [TOOL] } }));
    expect(loadWorkload({ datasetPath: batch, count: 10, seed: 1, counter: APPROX_COUNTER }).prompts[0]!.tools).toEqual([TOOL]);
  });

  it('the shipped sample loads, each record with its own tools', () => {
    const path = fileURLToPath(new URL('../../prompts/tools/chat-tools.jsonl', import.meta.url));
    const prompts = loadWorkload({ datasetPath: path, count: 10, seed: 1, counter: APPROX_COUNTER }).prompts;
    expect(prompts.length).toBe(4);
    expect(prompts.every((p) => (p.tools?.length ?? 0) > 0)).toBe(true);
  });

  it('a record with bad tools is reported as file:line', () => {
    const path = file('bad.jsonl', [JSON.stringify({ prompt: 'a' }), JSON.stringify({ prompt: 'b', tools: [{ name: 'x' }] })].join('\n'));
    expect(() => loadWorkload({ datasetPath: path, count: 10, seed: 1, counter: APPROX_COUNTER })).toThrow(/bad\.jsonl:2.*tool 1: must be/);
  });
});
