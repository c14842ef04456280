// The `lines` dataset: one prompt a line (blank lines skipped), sent as a single user message.
import { UsageError } from '../../errors.js';
import { fromText } from '../prompts.js';
import type { DatasetContext, DatasetLoad } from './source.js';
import { readText } from './source.js';

export function loadLines(path: string, context: DatasetContext, content = readText(path)): DatasetLoad {
  const prompts = content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => fromText(line, context.counter.count));
  if (prompts.length === 0) throw new UsageError(`${path}: the file holds no prompt; add one prompt per line`);
  return { prompts, skipped: [] };
}
