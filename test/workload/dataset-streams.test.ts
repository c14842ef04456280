// Datasets read as streams: records split the same at any chunk boundary, a per-record size bound with file:line,
// binary files refused, and bad records reported on one line.
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadWorkload, type WorkloadOptions } from '../../src/workload/datasets/index.js';
import { Problems, RecordSplitter } from '../../src/workload/datasets/source.js';
import { MAX_RECORD_BYTES } from '../../src/workload/limits.js';
import { APPROX_COUNTER } from '../../src/workload/tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-dsstream-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const load = (options: Partial<WorkloadOptions>) => loadWorkload({ count: 10, seed: 1, counter: APPROX_COUNTER, ...options });

/** Splits `bytes` fed in pieces of `size` bytes; returns [text, line] per record. */
function split(bytes: Buffer, size: number, kind: 'auto' | 'lines' = 'auto'): { records: Array<[string, number]>; unclosedAt: number | null } {
  const records: Array<[string, number]> = [];
  const splitter = new RecordSplitter('f', (record, line) => records.push([record.toString('utf8'), line]), kind);
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size));
  splitter.end();
  return { records: records.filter(([text]) => text.trim() !== ''), unclosedAt: splitter.unclosedAt };
}

/** Writes a file of `lines` where line `bigLine` holds `bigBytes` bytes of one JSON string, without building it in memory. */
function fileWithBigRecord(name: string, before: string, bigBytes: number, after: string): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, before);
  const block = Buffer.alloc(1024 * 1024, 'a');
  for (let written = 0; written < bigBytes; written += block.length) writeSync(fd, block, 0, Math.min(block.length, bigBytes - written));
  writeSync(fd, after);
  closeSync(fd);
  return path;
}

describe('records split the same at any chunk boundary', () => {
  const array = Buffer.from(
    [
      '',
      '  [',
      '  {"conversations": [{"from": "human", "value": "a [tricky] {string}, with \\"quotes\\" and \\\\"}, {"from": "gpt", "value": "日本語 ü"}]},',
      '  {',
      '    "conversations": [{"from": "human", "value": "x,]}"}]',
      '  }',
      ']  trailing text is ignored',
    ].join('\n'),
  );
  const lines = Buffer.from('{"prompt": "one"}\r\n\n  \n{"prompt": "zwei ü 日本"}\n{"prompt": "no newline at the end"}');

  it('a JSON array: every element and the line it starts on, for chunks of 1, 2, 3, 7 bytes and whole', () => {
    const whole = split(array, array.length);
    expect(whole.records.map(([, line]) => line)).toEqual([3, 4]);
    expect(JSON.parse(whole.records[0]![0]).conversations[0].value).toBe('a [tricky] {string}, with "quotes" and \\');
    expect(JSON.parse(whole.records[1]![0]).conversations[0].value).toBe('x,]}');
    expect(whole.unclosedAt).toBeNull();
    for (const size of [1, 2, 3, 7]) expect(split(array, size)).toEqual(whole);
  });

  it('JSON Lines and text lines: every line with its number, multi-byte characters split anywhere', () => {
    const whole = split(lines, lines.length);
    expect(whole.records.map(([text, line]) => [text.trim(), line])).toEqual([
      ['{"prompt": "one"}', 1],
      ['{"prompt": "zwei ü 日本"}', 4],
      ['{"prompt": "no newline at the end"}', 5],
    ]);
    for (const size of [1, 2, 5]) expect(split(lines, size)).toEqual(whole);
    expect(split(Buffer.from('[not an array, a line]\nsecond'), 1, 'lines').records).toEqual([['[not an array, a line]', 1], ['second', 2]]);
  });

  it('an array cut short is reported with the line it ends on', () => {
    expect(split(Buffer.from('[\n{"a": 1},\n{"b": '), 4).unclosedAt).toBe(3);
  });
});

describe('a record larger than the bound: one line naming file:line, whatever the format', () => {
  const over = MAX_RECORD_BYTES + 1024 * 1024;

  it('JSONL', () => {
    const path = fileWithBigRecord('big.jsonl', '{"prompt": "fine"}\n{"prompt": "', over, '"}\n');
    expect(() => load({ dataset: 'jsonl', datasetPath: path })).toThrow(new UsageError(`${path}:2: a record larger than 64 MB; split it, or check that this is a dataset file`));
  });

  it('ShareGPT as a JSON array (the element, not the file, is bounded)', () => {
    const path = fileWithBigRecord('big.json', '[\n {"conversations": []},\n {"conversations": [{"from": "human", "value": "', over, '"}]}\n]\n');
    expect(() => load({ dataset: 'sharegpt', datasetPath: path })).toThrow(`${path}:3: a record larger than 64 MB`);
  });

  it('a text file of prompts', () => {
    const path = fileWithBigRecord('big.txt', 'short prompt\n', over, '\n');
    expect(() => load({ dataset: 'lines', datasetPath: path })).toThrow(`${path}:2: a record larger than 64 MB`);
  });
});

describe('what a file holds is checked before it is sent', () => {
  it('a binary file as --prompts is refused in one line', () => {
    const path = file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    expect(() => load({ promptsFile: path })).toThrow(`--prompts ${path}: a binary file (it holds NUL bytes), not a dataset`);
    expect(() => load({ dataset: 'jsonl', datasetPath: path })).toThrow('a binary file');
  });

  it('many bad records: one line, the first five and a count', () => {
    const problems = new Problems();
    for (let line = 1; line <= 12; line++) problems.add(`f.jsonl:${line}`, 'not valid\nJSON');
    let message = '';
    try {
      problems.throwIfAny('f.jsonl');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('f.jsonl: 12 bad record(s): ' + [1, 2, 3, 4, 5].map((n) => `f.jsonl:${n}: not valid JSON`).join('; ') + '; and 7 more');
  });
});
