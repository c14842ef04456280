// The built CLI with --tools and --response-format against the built-in simulator: the result, requests.csv, summary.md
// and report.html carry the checks; bad files are one line and exit 2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startMockCli } from '../helpers/cli.js';

const out = mkdtempSync(join(tmpdir(), 'llmperf-tools-e2e-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const sample = (name: string) => fileURLToPath(new URL(`../../prompts/tools/${name}`, import.meta.url));
const write = (name: string, content: string) => {
  const path = join(out, name);
  writeFileSync(path, content);
  return path;
};
const SIM = ['--sim-ttft', '2', '--sim-itl', '0.5'];

describe('llmperf run --tools / --response-format', () => {
  it('tools with a seeded invalid share: summary keys, per-request columns, console, Markdown and HTML', async () => {
    const dir = join(out, 'tools');
    const run = await runCli(['--tools', sample('weather-tools.json'), '--tool-choice', 'required', '--sim-tool-invalid-rate', '0.3', '-n', '40', '-c', '4', '--format', 'table,json,csv,md,html', '--out', dir, ...SIM]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const s = result.summary;
    expect(s.tool_calls).toBe(40);
    expect(s.tool_call_valid_rate).toBeCloseTo((40 - s.tool_calls_invalid) / 40, 6);
    expect(s.tool_calls_invalid).toBeGreaterThan(0);
    expect(s.ttft_tool_call_ms.count).toBe(40);
    expect(result.config).toMatchObject({ tools: ['get_weather', 'search_flights'], tool_choice: 'required' });
    const [header, ...rows] = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n');
    const columns = header!.split(',');
    const invalidAt = columns.indexOf('tool_calls_invalid');
    expect(columns).toEqual(expect.arrayContaining(['tool_calls', 'tool_calls_invalid', 'schema_valid', 'invalid_reason']));
    expect(rows.filter((row) => row.split(',')[invalidAt] === '1')).toHaveLength(s.tool_calls_invalid);
    expect(run.stdout).toContain(`Tool calls: 40 in 40 requests, ${(s.tool_call_valid_rate * 100).toFixed(1)}% valid (tool_call_valid_rate)`);
    expect(run.stdout).toContain('Time to first tool-call byte');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| Tool calls with valid arguments (share) |');
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toMatch(/tool_call_valid_rate,0\.\d+/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Tool calls with valid arguments (share)');
  });

  it('--response-format against an external simulator: schema_valid_rate matches what it broke', async () => {
    const mock = await startMockCli(['--ttft', '2', '--itl', '0.5', '--schema-invalid-rate', '0.3', '--seed', '5']);
    try {
      const dir = join(out, 'schema');
      const run = await runCli(['--url', mock.url, '--response-format', sample('invoice-schema.json'), '--output-tokens', '600', '-n', '30', '-c', '3', '--out', dir, '-q']);
      expect(run.code, run.stderr).toBe(0);
      const s = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).summary;
      const truth = (await (await fetch(`${mock.url}/debug/stats`)).json()) as { structuredAnswers: number; structuredInvalid: number };
      expect(truth.structuredAnswers).toBe(30);
      expect([s.schema_checked, s.schema_invalid]).toEqual([30, truth.structuredInvalid]);
      expect(s.schema_valid_rate).toBeCloseTo(1 - truth.structuredInvalid / 30, 6);
    } finally {
      await mock.stop();
    }
  });

  it.each([
    ['--tools', 'missing file', () => join(out, 'nope.json'), /^llmperf: --tools .*nope\.json: cannot read the file; check the path\n$/],
    ['--tools', 'not JSON', () => write('broken.json', '[{"type":'), /^llmperf: --tools .*broken\.json: not valid JSON \(.*\)\n$/],
    ['--tools', 'a bad parameters schema', () => write('badschema-tools.json', '[{"type":"function","function":{"name":"x","parameters":{"type":"objekt"}}}]'), /^llmperf: --tools .*: tool 1 \(x\): "function.parameters" is not a usable JSON Schema: .*\n$/],
    ['--response-format', 'not a schema', () => write('format.json', '{"type": 42}'), /^llmperf: --response-format .*format\.json: not a usable JSON Schema: .*\n$/],
    ['--response-format', 'missing file', () => join(out, 'nope-format.json'), /^llmperf: --response-format .*: cannot read the file; check the path\n$/],
  ])('%s with %s: one line, exit 2', async (flag, _what, path, message) => {
    const run = await runCli([flag, path(), '-n', '1', '--out', join(out, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('flags the API cannot carry are refused before any request', async () => {
    const messages = await runCli(['--api', 'messages', '--response-format', sample('invoice-schema.json'), '-n', '1']);
    expect([messages.code, messages.stderr]).toEqual([2, 'llmperf: --response-format: --api messages has no JSON-schema output format llmperf sends; use --api chat or responses\n']);
    const completions = await runCli(['--api', 'completions', '--tools', sample('weather-tools.json'), '-n', '1']);
    expect(completions.code).toBe(2);
    expect(completions.stderr).toContain('--api completions has no tool calls');
    const choice = await runCli(['--tool-choice', 'required', '-n', '1']);
    expect([choice.code, choice.stderr]).toEqual([2, 'llmperf: --tool-choice needs tools: give --tools FILE or a dataset whose records carry "tools"\n']);
  });
});
