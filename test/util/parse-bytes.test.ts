// --max-response-bytes sizes: binary and decimal units, bare bytes, and one-line errors for anything else.
import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../src/util/parse.js';
import { UsageError } from '../../src/errors.js';

describe('parseByteSize', () => {
  it('reads bytes, binary (k, MiB, GiB) and decimal (kB, MB, GB) units', () => {
    expect(parseByteSize('4096', '--x')).toBe(4096);
    expect(parseByteSize('512k', '--x')).toBe(512 * 1024);
    expect(parseByteSize('16MiB', '--x')).toBe(16 * 1024 * 1024);
    expect(parseByteSize('16MB', '--x')).toBe(16_000_000);
    expect(parseByteSize('1.5 GiB', '--x')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('2m', '--x')).toBe(2 * 1024 * 1024);
  });
  it('refuses other forms, and sizes under the minimum, naming the flag', () => {
    expect(() => parseByteSize('lots', '--max-response-bytes')).toThrow(UsageError);
    expect(() => parseByteSize('-5', '--max-response-bytes')).toThrow(/--max-response-bytes -5: not a size/);
    expect(() => parseByteSize('100', '--max-response-bytes', 1024)).toThrow(/at least 1024 bytes/);
    expect(() => parseByteSize('1e400', '--x')).toThrow(UsageError);
  });
});
