// Dataset kinds looked up by name, and the one entry point that turns --dataset flags into prompts.
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import { describeLength, minLength, sampleLength, type LengthSpec } from '../lengths.js';
import type { Prompt } from '../prompts.js';
import { seededRandom } from '../random.js';
import type { TokenCounter } from '../tokenizer.js';
import { loadJsonl } from './jsonl.js';
import { loadLines } from './lines.js';
import { loadMultiTurn } from './multi-turn.js';
import { loadOpenaiBatch } from './openai-batch.js';
import { randomPrompts } from './random.js';
import { loadSharegpt } from './sharegpt.js';
import { readHead, type DatasetContext, type DatasetLoad } from './source.js';

export type { DatasetContext, DatasetLoad } from './source.js';
export { randomPrompts, type RandomDatasetOptions } from './random.js';

export const DATASET_KINDS = ['random', 'lines', 'jsonl', 'sharegpt', 'openai-batch', 'multi-turn'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
type FileKind = Exclude<DatasetKind, 'random'>;

const shipped = (name: string) => fileURLToPath(new URL(`../../../prompts/${name}`, import.meta.url));

/** Each file format: its loader, and the shipped sample used when no --dataset-path is given. */
export const FILE_DATASETS: Readonly<Record<FileKind, { load: (path: string, context: DatasetContext) => DatasetLoad; sample: string }>> = {
  lines: { load: loadLines, sample: 'default.txt' },
  jsonl: { load: loadJsonl, sample: 'chat.jsonl' },
  sharegpt: { load: loadSharegpt, sample: 'sharegpt.json' },
  'openai-batch': { load: loadOpenaiBatch, sample: 'openai-batch.jsonl' },
  'multi-turn': { load: loadMultiTurn, sample: 'multi-turn.jsonl' },
};

export function samplePath(kind: FileKind): string {
  return shipped(FILE_DATASETS[kind].sample);
}

/** What the run asked for; every field already parsed (flags are validated in the CLI). */
export interface WorkloadOptions {
  dataset?: string;
  datasetPath?: string;
  /** `--prompts FILE`: shorthand for `--dataset jsonl|lines --dataset-path FILE` (by extension / first character). */
  promptsFile?: string;
  inputTokens?: LengthSpec;
  prefixTokens?: number;
  outputTokens?: LengthSpec;
  /** How many random prompts to make (file datasets are used whole). */
  count: number;
  seed: number;
  counter: TokenCounter;
}

export interface Workload {
  kind: DatasetKind;
  prompts: Prompt[];
  /** For the result config: `random:1024`, a path, or `sample:prompts/...`. */
  source: string;
  /** Records skipped on purpose, with file:line (e.g. ShareGPT records without a reply). */
  skipped: string[];
}

/**
 * --dataset-path without --dataset: the kind read from the file's first record, so a ShareGPT dump or an
 * OpenAI batch file is not misread as JSONL prompts (each record "bad"). Falls back to jsonl.
 */
export function sniffFileKind(path: string): FileKind {
  const head = readHead(path, '--dataset-path', 4096).trimStart();
  if (head.startsWith('[') && /"conversations"\s*:/.test(head)) return 'sharegpt';
  if (head.startsWith('{')) {
    const first = head.split('\n', 1)[0] ?? '';
    if (/"custom_id"\s*:/.test(first) && /"body"\s*:/.test(first)) return 'openai-batch';
    if (/"conversations"\s*:/.test(first)) return 'sharegpt';
    if (/"turns"\s*:/.test(first)) return 'multi-turn';
  }
  return 'jsonl';
}

function pickKind(options: WorkloadOptions): { kind: DatasetKind; path: string | undefined } {
  if (options.promptsFile !== undefined) {
    if (options.dataset !== undefined || options.datasetPath !== undefined) {
      throw new UsageError('--prompts is shorthand for --dataset-path: give one of them');
    }
    const jsonl = options.promptsFile.endsWith('.jsonl') || readHead(options.promptsFile, '--prompts').trimStart().startsWith('{');
    return { kind: jsonl ? 'jsonl' : 'lines', path: options.promptsFile };
  }
  if (options.dataset !== undefined && !(DATASET_KINDS as readonly string[]).includes(options.dataset)) {
    throw new UsageError(`--dataset ${options.dataset}: must be one of ${DATASET_KINDS.join(', ')}`);
  }
  const kind =
    (options.dataset as DatasetKind | undefined) ?? (options.inputTokens ? 'random' : options.datasetPath ? sniffFileKind(options.datasetPath) : 'lines');
  return { kind, path: options.datasetPath };
}

/** Loads the prompts of a run: same options and seed, same prompts. Output lengths from --output-tokens override the dataset's. */
export function loadWorkload(options: WorkloadOptions): Workload {
  const { kind, path } = pickKind(options);
  const context: DatasetContext = { counter: options.counter };
  let load: DatasetLoad;
  let source: string;
  if (kind === 'random') {
    if (path !== undefined) throw new UsageError('--dataset random makes its own prompts: drop --dataset-path');
    const inputTokens = options.inputTokens ?? { kind: 'fixed', tokens: 256 };
    const prefixTokens = options.prefixTokens ?? 0;
    if (prefixTokens >= minLength(inputTokens)) {
      throw new UsageError(`--prefix-tokens ${prefixTokens}: must be less than the shortest --input-tokens (${minLength(inputTokens)}); the prefix is part of the input`);
    }
    load = { prompts: randomPrompts({ count: options.count, inputTokens, prefixTokens, seed: options.seed, counter: options.counter }), skipped: [] };
    source = `random:${describeLength(inputTokens)}${prefixTokens > 0 ? `+prefix:${prefixTokens}` : ''}`;
  } else {
    if (options.inputTokens !== undefined) throw new UsageError(`--input-tokens makes synthetic prompts: use it with --dataset random, not ${kind}`);
    if (options.prefixTokens) throw new UsageError('--prefix-tokens works with --dataset random only');
    const file = path ?? samplePath(kind);
    load = FILE_DATASETS[kind].load(file, context);
    source = path ?? `sample:prompts/${FILE_DATASETS[kind].sample}`;
    if (load.prompts.length === 0) {
      throw new UsageError(`${file}: no usable prompt (${load.skipped.length} record(s) skipped, e.g. ${load.skipped[0] ?? 'none'})`);
    }
  }
  if (options.outputTokens !== undefined) {
    const random = seededRandom(options.seed ^ 0x6c8e9cf5);
    for (const prompt of load.prompts) prompt.outputTokens = sampleLength(options.outputTokens, random);
  }
  return { kind, prompts: load.prompts, source, skipped: load.skipped };
}
