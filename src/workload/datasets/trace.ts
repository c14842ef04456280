// The `trace` dataset: a production trace replayed at its recorded times (Mooncake, Azure, BurstGPT), prompts built to its lengths.
import { UsageError } from '../../errors.js';
import { fromText, type Prompt } from '../prompts.js';
import { seededRandom } from '../random.js';
import type { TokenCounter } from '../tokenizer.js';
import { readAzure } from '../traces/azure.js';
import { readBurstgpt } from '../traces/burstgpt.js';
import { readMooncake } from '../traces/mooncake.js';
import type { TraceReader, TraceRecord } from '../traces/types.js';
import { threeLetterText } from './random.js';
import { Problems, type DatasetLoad } from './source.js';

export const TRACE_FORMATS = { mooncake: readMooncake, azure: readAzure, burstgpt: readBurstgpt } as const satisfies Record<string, TraceReader>;
export type TraceFormat = keyof typeof TRACE_FORMATS;
export const TRACE_SAMPLES: Readonly<Record<TraceFormat, string>> = { mooncake: 'trace-mooncake.jsonl', azure: 'trace-azure.csv', burstgpt: 'trace-burstgpt.csv' };

/** Tokens per Mooncake hash block (the trace's published block size). */
export const TRACE_BLOCK_TOKENS = 512;

export interface TraceOptions {
  format: TraceFormat;
  /** 2 = twice as fast: every recorded gap halved. */
  speed: number;
  /** Window in trace time (ms from the trace's first request): requests at start <= t < end; sends start at `start`. */
  startMs: number;
  endMs: number;
  seed: number;
  counter: TokenCounter;
}

/**
 * The trace's requests in recorded order, each prompt with `arrivalMs` (its send offset: (t - start) / speed)
 * and `outputTokens` (its recorded reply length, sent as max_tokens). Mooncake hash blocks become shared text:
 * block id h is the same 512 words in every request carrying it (a partial last block is its first words),
 * so a prefix cache sees exactly the sharing the trace recorded. Text outside blocks is unique per request.
 * Words are three letters (one token each by the 4-characters rule and the simulator's, nearly one in BPE).
 */
export function loadTrace(path: string, options: TraceOptions): DatasetLoad {
  const problems = new Problems();
  const records = TRACE_FORMATS[options.format](path, (where, message) => problems.add(where, message));
  problems.throwIfAny(path);
  if (records.length === 0) throw new UsageError(`--dataset-path ${path}: the trace holds no request; check --trace-format ${options.format}`);
  // Stable sort: traces are usually in time order; requests at the same instant keep their file order.
  const ordered = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.timestampMs - b.r.timestampMs || a.i - b.i).map(({ r }) => r);
  const originMs = ordered[0]!.timestampMs;
  const window = ordered.filter((r) => r.timestampMs - originMs >= options.startMs && r.timestampMs - originMs < options.endMs);
  if (window.length === 0) {
    const spanS = (ordered[ordered.length - 1]!.timestampMs - originMs) / 1000;
    throw new UsageError(`--trace-start/--trace-end: no request of ${path} falls in the window; the trace spans 0 to ${spanS.toFixed(3)} s`);
  }
  const blocks = new Map<number, string>();
  const blockText = (id: number): string => {
    let text = blocks.get(id);
    if (text === undefined) blocks.set(id, (text = threeLetterText('', TRACE_BLOCK_TOKENS, seededRandom((options.seed ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0))));
    return text;
  };
  const unique = seededRandom((options.seed ^ 0x1b873593) >>> 0);
  const prompts = window.map((record) => {
    const prompt = fromText(promptText(record, blockText, unique), options.counter.count);
    prompt.outputTokens = record.outputTokens;
    prompt.arrivalMs = (record.timestampMs - originMs - options.startMs) / options.speed;
    if (record.hashIds !== undefined && record.hashIds.length > 0) prompt.group = record.hashIds[0];
    return prompt;
  });
  return { prompts, skipped: [] };
}

function promptText(record: TraceRecord, blockText: (id: number) => string, unique: () => number): string {
  const parts: string[] = [];
  let left = record.inputTokens;
  for (const id of record.hashIds ?? []) {
    if (left <= 0) break;
    const take = Math.min(TRACE_BLOCK_TOKENS, left);
    // Three-letter words joined by spaces: the first k words are the first 4k - 1 characters.
    parts.push(take === TRACE_BLOCK_TOKENS ? blockText(id) : blockText(id).slice(0, 4 * take - 1));
    left -= take;
  }
  if (left > 0) parts.push(threeLetterText('', left, unique));
  return parts.join(' ');
}
