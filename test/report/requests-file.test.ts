// requests.csv / requests.jsonl reading: round trip, quoting, and the torn last line a SIGKILL leaves.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecordsBeside, readRequestRecords, REQUESTS_CSV_HEADER } from '../../src/report/requests-file.js';
import { syntheticRun, writeRequestsCsv } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'llmperf-requests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRequestRecords', () => {
  it('reads back every record the engine wrote, nulls and booleans included', () => {
    const { records } = syntheticRun({ n: 50, failEvery: 7 });
    records[3]!.reconnected = true;
    records[4]!.intended_ms = 160.5;
    const path = writeRequestsCsv(dir, records);
    expect(readRequestRecords(path)).toEqual(records);
  });

  it('keeps quoted commas, quotes and newlines inside the error cell', () => {
    const { records } = syntheticRun({ n: 3, failEvery: 1, errorKind: 'bad "gateway", then\nclosed' });
    const sub = mkdtempSync(join(dir, 'quoted-'));
    expect(readRequestRecords(writeRequestsCsv(sub, records))[0]!.error).toBe('bad "gateway", then\nclosed');
  });

  it('drops a torn last line and keeps every complete row before it', () => {
    const { records } = syntheticRun({ n: 20 });
    const sub = mkdtempSync(join(dir, 'torn-'));
    const path = writeRequestsCsv(sub, records);
    appendFileSync(path, '20,800,,0.5,12'); // killed mid-row: no newline, too few cells
    const read = readRequestRecords(path);
    expect(read).toHaveLength(20);
    expect(read[19]).toEqual(records[19]);
    // Even a torn row with the right number of cells is ignored until its newline arrives.
    appendFileSync(path, '.5,100,10,10,0,10,200,true,,fal');
    expect(readRequestRecords(path)).toHaveLength(20);
  });

  it('reads just the header as no records, and reads JSONL with a torn last line', () => {
    const sub = mkdtempSync(join(dir, 'jsonl-'));
    writeFileSync(join(sub, 'requests.csv'), REQUESTS_CSV_HEADER + '\n');
    expect(readRequestRecords(join(sub, 'requests.csv'))).toEqual([]);
    const { records } = syntheticRun({ n: 5, failEvery: 2 });
    const jsonl = join(sub, 'requests.jsonl');
    writeFileSync(jsonl, records.map((r) => JSON.stringify(r)).join('\n') + '\n{"index":5,"start_');
    expect(readRequestRecords(jsonl)).toEqual(records);
  });

  it('finds the records beside a result.json, or says there are none', () => {
    const sub = mkdtempSync(join(dir, 'beside-'));
    expect(readRecordsBeside(join(sub, 'result.json'))).toBeNull();
    writeRequestsCsv(sub, syntheticRun({ n: 4 }).records);
    expect(readRecordsBeside(join(sub, 'result.json'))).toHaveLength(4);
  });
});
