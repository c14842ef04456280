// The simulator's tool calls and structured answers, read by the official SDKs, and its schema-driven values checked with ajv.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMockOptions, startMockServer, type MockServer } from '../../src/mock/index.js';
import { breakSchema, exampleFor } from '../../src/mock/schema-example.js';
import { mulberry32 } from '../../src/mock/tokens.js';
import { compileSchema } from '../../src/util/json-schema.js';
import { loadToolsFile } from '../../src/workload/tools.js';
import { loadResponseFormatFile } from '../../src/workload/response-format.js';

const TOOLS = loadToolsFile(fileURLToPath(new URL('../../prompts/tools/weather-tools.json', import.meta.url)));
const FORMAT = loadResponseFormatFile(fileURLToPath(new URL('../../prompts/tools/invoice-schema.json', import.meta.url)));
const weather = TOOLS[0]!.function;
const validWeather = compileSchema(weather.parameters);

let sim: MockServer;
beforeAll(async () => {
  sim = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1 });
});
afterAll(async () => {
  await sim.close();
});

describe('official clients read the simulator\'s tool calls', () => {
  it('openai chat.completions: a streamed call with id and name first, arguments in fragments, finish_reason tool_calls', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'llmperf-sim',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: TOOLS as OpenAI.Chat.ChatCompletionTool[],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let fragments = 0;
    let id: string | undefined;
    let name: string | undefined;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta?.tool_calls?.[0];
      if (call) {
        fragments++;
        id ??= call.id;
        name ??= call.function?.name;
        args += call.function?.arguments ?? '';
        if (fragments > 1) expect(call.id).toBeUndefined();
      }
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect([name, finish]).toEqual(['get_weather', 'tool_calls']);
    expect(id).toMatch(/^call_/);
    expect(validWeather(JSON.parse(args))).toBe(true);
    // One fragment per token: usage counts exactly what was streamed.
    expect(usage?.completion_tokens).toBe(fragments);
    // The SDK's own accumulating helper agrees.
    const final = await client.chat.completions
      .stream({ model: 'llmperf-sim', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS as OpenAI.Chat.ChatCompletionTool[], tool_choice: 'required' })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const call = final.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(TOOLS.map((t) => t.function.name)).toContain(call.function.name);
    expect(compileSchema(TOOLS.find((t) => t.function.name === call.function.name)!.function.parameters)(JSON.parse(call.function.arguments))).toBe(true);
  });

  it('openai responses: function_call item and arguments deltas; json_schema text format gives a valid answer', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const tools = TOOLS.map(({ function: fn }) => ({ type: 'function' as const, name: fn.name, parameters: fn.parameters ?? null, strict: true }));
    const final = await client.responses.stream({ model: 'llmperf-sim', input: 'Weather?', tools, tool_choice: { type: 'function', name: 'get_weather' } }).finalResponse();
    const item = final.output.find((o) => o.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    expect(item.name).toBe('get_weather');
    expect(validWeather(JSON.parse(item.arguments))).toBe(true);
    const structured = await client.responses.create({
      model: 'llmperf-sim',
      input: 'An invoice, please.',
      text: { format: { type: 'json_schema', name: FORMAT.name, schema: FORMAT.schema, strict: true } },
      max_output_tokens: 1000,
    });
    expect(compileSchema(FORMAT.schema)(JSON.parse(structured.output_text))).toBe(true);
  });

  it('anthropic messages: a tool_use block whose streamed input_json_delta the SDK parses', async () => {
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'test-key', maxRetries: 0 });
    const tools = TOOLS.map(({ function: fn }) => ({ name: fn.name, input_schema: fn.parameters as Anthropic.Tool.InputSchema }));
    const message = await client.messages.stream({ model: 'llmperf-sim', max_tokens: 500, messages: [{ role: 'user', content: 'Weather?' }], tools, tool_choice: { type: 'tool', name: 'get_weather' } }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const block = message.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(block.name).toBe('get_weather');
    expect(validWeather(block.input)).toBe(true);
  });
});

describe('values from a schema', () => {
  const SCHEMAS: Array<Record<string, unknown>> = [
    weather.parameters!,
    TOOLS[1]!.function.parameters!,
    FORMAT.schema,
    { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3 }, on: { type: 'boolean' }, n: { type: ['integer', 'null'], minimum: 5, maximum: 6 } }, required: ['tags', 'on', 'n'] },
    { $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } }, type: 'object', properties: { from: { $ref: '#/$defs/point' }, kind: { const: 'line' } }, required: ['from', 'kind'] },
    { type: 'object', properties: { choice: { anyOf: [{ type: 'string', maxLength: 4 }, { type: 'number' }] } }, required: ['choice'] },
  ];
  it.each(SCHEMAS.map((schema, i) => [i, schema] as const))('schema %i: 200 seeded values are valid, and broken ones are not', (_i, schema) => {
    const validate = compileSchema(schema);
    const rand = mulberry32(42);
    for (let n = 0; n < 200; n++) {
      const value = exampleFor(schema, rand);
      expect(validate(value), JSON.stringify(value)).toBe(true);
      const broken = breakSchema(value, schema);
      if (broken !== null) expect(validate(broken)).toBe(false);
    }
  });

  it('the invalid rates are validated like every simulator option', () => {
    expect(() => resolveMockOptions({ toolInvalidRate: 1.5 })).toThrow('toolInvalidRate must be between 0 and 1');
    expect(() => resolveMockOptions({ schemaInvalidRate: -0.1 })).toThrow('schemaInvalidRate must be between 0 and 1');
  });
});
