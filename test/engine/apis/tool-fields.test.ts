// Tools, tool_choice and the response format as each API spells them in the request body buildBody sends.
import { describe, expect, it } from 'vitest';
import { buildBody } from '../../../src/engine/request-body.js';
import { fromText } from '../../../src/workload/prompts.js';
import type { ToolSpec } from '../../../src/workload/tools.js';
import { testConfig } from '../../helpers/config.js';

const PARAMS = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const TOOLS: ToolSpec[] = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: PARAMS } }];
const FORMAT = { name: 'answer', schema: { type: 'object' } };
const body = (api: 'chat' | 'responses' | 'messages', toolChoice: string | null, extra: Partial<Parameters<typeof testConfig>[1]> = {}) =>
  JSON.parse(buildBody(testConfig('http://127.0.0.1:1', { api, tools: TOOLS, toolChoice, ...extra }), fromText('hi'))) as Record<string, unknown>;

describe('tool fields per API', () => {
  it('chat: OpenAI shapes as given; a name forces that function', () => {
    expect(body('chat', 'auto')).toMatchObject({ tools: TOOLS, tool_choice: 'auto' });
    expect(body('chat', 'get_weather').tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(body('chat', null, { responseFormat: FORMAT }).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
    expect('tool_choice' in body('chat', null)).toBe(false);
  });

  it('responses: flat function tools, {type: function, name} choice, text.format', () => {
    const b = body('responses', 'get_weather', { responseFormat: FORMAT });
    expect(b.tools).toEqual([{ type: 'function', name: 'get_weather', description: 'Weather', parameters: PARAMS }]);
    expect(b.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
    expect(b.text).toEqual({ format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } });
    expect(body('responses', 'required').tool_choice).toBe('required');
  });

  it('messages: input_schema tools; required is "any", a name is {type: tool}', () => {
    const b = body('messages', 'required');
    expect(b.tools).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: PARAMS }]);
    expect(b.tool_choice).toEqual({ type: 'any' });
    expect(body('messages', 'get_weather').tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(body('messages', 'none').tool_choice).toEqual({ type: 'none' });
  });

  it('a prompt\'s own tools take the place of the run\'s', () => {
    const own: ToolSpec[] = [{ type: 'function', function: { name: 'other' } }];
    const b = JSON.parse(buildBody(testConfig('http://127.0.0.1:1', { tools: TOOLS }), { ...fromText('hi'), tools: own })) as { tools: ToolSpec[] };
    expect(b.tools).toEqual(own);
  });
});
