// The `llmperf eval` command as a user runs it: flags in, score table on stdout, eval.json and review file on disk.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evalCommand } from '../../src/cli/eval-command.js';
import { ResponseCache } from '../../src/eval/cache.js';
import type { EvalDocument } from '../../src/eval/runner.js';

const workerBuilt = existsSync(fileURLToPath(new URL('../../dist/mock/worker.js', import.meta.url)));

afterEach(() => {
  vi.restoreAllMocks();
});

async function runCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  await evalCommand().exitOverride().parseAsync(args, { from: 'user' });
  vi.restoreAllMocks();
  return { stdout, stderr };
}

describe('llmperf eval without --url', () => {
  // The simulator runs in a worker thread from dist/ (`npm test` builds first).
  it.skipIf(!workerBuilt)('starts the simulator, says it is a test double, prints the table and writes the files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'llmperf-eval-cli-'));
    const { stdout, stderr } = await runCli(['--datasets', 'mmlu,gsm8k,dynamic-arithmetic', '--limit', '20', '--sim-accuracy', '1', '--out', out, '--cache-dir', join(out, 'cache')]);
    expect(stderr).toMatch(/built-in simulator/);
    expect(stderr).toMatch(/test double/);
    expect(stdout).toMatch(/mmlu\s+│\s+all \(weighted average\)\s+│\s+generate\s+│\s+accuracy\s+│\s+1\.0000/);
    expect(stdout).toMatch(/dynamic-arithmetic\s+│\s+all/);
    const doc = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as EvalDocument;
    expect(doc.simulated).toBe(true);
    expect(doc.benchmarks['dynamic-arithmetic']).toMatchObject({ score: 1, n: 20 });
    expect(doc.perf.mmlu!.simulated).toBe(true);
    expect(readFileSync(join(out, 'eval-samples.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8 + 4 + 20);
  });
});

describe('eval flags', () => {
  it('rejects an unknown benchmark before doing anything', async () => {
    await expect(runCli(['--datasets', 'mmlu,squad2'])).rejects.toThrow(/unknown benchmark "squad2"/);
  });
  it('requires --datasets', async () => {
    await expect(runCli([])).rejects.toThrow(/--datasets/);
  });
});

describe('ResponseCache', () => {
  it('keys by model, body and salt, and survives a new instance (a rerun)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-cache-'));
    const job = { api: 'chat' as const, body: { messages: [{ role: 'user', content: 'hi' }], temperature: 0 } };
    const a = new ResponseCache(dir, 'url:http://a');
    const key = a.key('m', job);
    expect(a.get(key)).toBeNull();
    a.put(key, { text: 'hello', reasoning: '', response: null, usage: null });
    expect(new ResponseCache(dir, 'url:http://a').get(key)).toEqual({ text: 'hello', reasoning: '', response: null, usage: null });
    expect(new ResponseCache(dir, 'url:http://b').key('m', job)).not.toBe(key);
    expect(a.key('other-model', job)).not.toBe(key);
    expect(a.key('m', { ...job, body: { ...job.body, temperature: 0.5 } })).not.toBe(key);
  });
});
