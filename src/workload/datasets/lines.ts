// The `lines` dataset: one prompt a line (blank lines skipped), sent as a single user message.
import { UsageError } from '../../errors.js';
import { fromText } from '../prompts.js';
import type { DatasetContext, DatasetLoad } from './source.js';
import { readLines } from './source.js';

export function loadLines(path: string, context: DatasetContext, content?: string): DatasetLoad {
  const prompts: ReturnType<typeof fromText>[] = [];
  // Read as a stream of lines, each bounded in size: a file larger than V8's longest string loads too.
  readLines(path, content, (line) => {
    const text = line.trim();
    if (text.length > 0) prompts.push(fromText(text, context.counter.count));
  });
  if (prompts.length === 0) throw new UsageError(`${path}: the file holds no prompt; add one prompt per line`);
  return { prompts, skipped: [] };
}
