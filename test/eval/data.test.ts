// Reading benchmark files: RFC 4180 CSV (quotes, doubled quotes, line breaks in fields, CRLF) and JSONL errors with file:line.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseJsonl, readText } from '../../src/eval/data.js';
import { loadBenchmarks } from '../../src/eval/load.js';
import { getBenchmark } from '../../src/eval/registry.js';
import { UsageError } from '../../src/errors.js';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes, line breaks inside fields and CRLF, with each row\'s first line', () => {
    const text = 'a,"b, c","say ""hi"""\r\n"multi\nline",x,y\r\n\r\nlast,1,2';
    expect(parseCsv(text, 'f.csv')).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"'] },
      { line: 2, fields: ['multi\nline', 'x', 'y'] },
      { line: 5, fields: ['last', '1', '2'] },
    ]);
  });
  it('rejects an unterminated quote with file:line', () => {
    expect(() => parseCsv('ok,1\n"open,2\n', 'f.csv')).toThrow(/f\.csv:2: unterminated/);
  });
});

describe('parseJsonl', () => {
  it('names the file and line of a bad line', () => {
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n', 'x.jsonl')).toThrow(UsageError);
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n', 'x.jsonl')).toThrow(/x\.jsonl:3: not valid JSON/);
    expect(() => parseJsonl('[1,2]\n', 'x.jsonl')).toThrow(/x\.jsonl:1: expected a JSON object/);
  });
});

describe('published variants', () => {
  it('reads HumanEval.jsonl.gz as distributed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-he-'));
    mkdirSync(join(dir, 'humaneval'));
    const line = JSON.stringify({ task_id: 'HumanEval/0', prompt: 'def f():\n', canonical_solution: '    return 1\n', test: 'def check(c):\n    assert c() == 1\n', entry_point: 'f' });
    writeFileSync(join(dir, 'humaneval', 'HumanEval.jsonl.gz'), gzipSync(`${line}\n`));
    expect(readText(join(dir, 'humaneval', 'HumanEval.jsonl.gz'))).toContain('HumanEval/0');
    const [set] = await loadBenchmarks([getBenchmark('humaneval')], dir, { limit: null, seed: 0 });
    expect(set!.loaded.items.map((i) => i.id)).toEqual(['HumanEval/0']);
  });
  it('reads MATH records from a JSONL file (the MATH-500 form) and reports a missing field with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-math-'));
    mkdirSync(join(dir, 'math'));
    writeFileSync(join(dir, 'math', 'test.jsonl'), `${JSON.stringify({ problem: '1+1?', solution: 'It is $\\boxed{2}$.', answer: '2', subject: 'Prealgebra', level: 1 })}\n`);
    const [set] = await loadBenchmarks([getBenchmark('math')], dir, { limit: null, seed: 0 });
    expect(set!.loaded.items[0]!.subset).toBe('Prealgebra');
    writeFileSync(join(dir, 'math', 'test.jsonl'), `${JSON.stringify({ problem: '1+1?' })}\n`);
    await expect(loadBenchmarks([getBenchmark('math')], dir, { limit: null, seed: 0 })).rejects.toThrow(/test\.jsonl:1: missing or non-text field "solution"/);
  });
});
