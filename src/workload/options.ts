// The workload flags of `run` (--dataset, --tokenizer, --arrival, --ramp-up...), validated into plan fields at the edge.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ARRIVAL_KIND_NAMES, arrivalProcess, type ArrivalKind } from './arrivals.js';
import { DATASET_KINDS, loadWorkload, type DatasetKind } from './datasets/index.js';
import { describeLength, maxLength, parseLengthSpec } from './lengths.js';
import { checkTokens, MAX_RANDOM_TOKENS_IN_MEMORY } from './limits.js';
import type { Prompt } from './prompts.js';
import { tokenCounter, type TokenCounter } from './tokenizer.js';

/** Raw workload flags (commander's camelCase names); --prompts, --input-tokens and --output-tokens are declared by run. */
export interface WorkloadFlags {
  dataset?: string;
  datasetPath?: string;
  prompts?: string;
  inputTokens?: string;
  prefixTokens?: string;
  outputTokens?: string;
  tokenizer?: string;
  ignoreEos?: boolean;
  arrival?: string;
  burstiness?: string;
  maxConcurrency?: string;
  rampUp?: string;
}

/** What a run plan carries for the workload (optional: plans built elsewhere need not know them). */
export interface WorkloadPlanFields {
  datasetKind?: DatasetKind;
  arrival?: ArrivalKind;
  burstiness?: number;
  rampUpMs?: number;
  ignoreEos?: boolean;
  tokenCounter?: TokenCounter;
  /** Dataset records skipped on purpose (file:line and why), for a warning. */
  skippedRecords?: string[];
  /** What the result's config records about the workload. */
  workloadConfig?: Record<string, unknown>;
}

/** A whole number of at least 1, the message naming the flag (as the other flags are checked). */
function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} ${text}: must be a whole number of at least 1`);
  return checkTokens(value, flag, text);
}

export function addWorkloadOptions(command: Command): Command {
  return command
    .option('--dataset <kind>', `prompt source: ${DATASET_KINDS.join(', ')} (file kinds default to the shipped sample in prompts/)`)
    .option('--dataset-path <file>', 'the dataset file for --dataset lines|jsonl|sharegpt|openai-batch|multi-turn')
    .option('--prefix-tokens <n>', '--dataset random: the first n tokens are the same in every prompt (prefix caching); part of --input-tokens')
    .option('--tokenizer <path|org/name>', "the model's tokenizer.json (a file, a model folder, or a model id in the local Hugging Face cache) for exact token counts")
    .option('--ignore-eos', 'also send ignore_eos and min_tokens = max_tokens (vLLM, SGLang) so every response has exactly the asked length')
    .option('--arrival <kind>', `open-loop arrival process with --rate: ${ARRIVAL_KIND_NAMES.join(', ')}`, 'poisson')
    .option('--burstiness <k>', '--arrival gamma: shape k (1 = Poisson, < 1 burstier, > 1 more even); mean gap stays 1/rate', '1')
    .option('--max-concurrency <n>', 'the cap on requests in flight (an alias of --concurrency)')
    .option('--ramp-up <time>', 'grow the rate (with --rate) or the concurrency linearly from zero over this time, e.g. 30s');
}

export interface WorkloadContext {
  api: string;
  /** Random prompts to make (unique ones; requests beyond reuse them in order). */
  count: number;
  seed: number;
  parseDurationMs: (text: string, flag: string) => number;
}

export interface WorkloadPlan {
  fields: WorkloadPlanFields;
  prompts: Prompt[];
  source: string;
  /** --output-tokens when it is one number (the run's max_tokens), else null (per-prompt lengths). */
  outputTokens: number | null;
}

/** Validates the workload flags and loads the prompts; every error is a one-line UsageError. */
export function workloadPlan(flags: WorkloadFlags, context: WorkloadContext): WorkloadPlan {
  const arrival = (flags.arrival ?? 'poisson') as ArrivalKind;
  const burstiness = Number(flags.burstiness ?? '1');
  arrivalProcess(arrival, burstiness); // validates both, naming the flag
  if (flags.burstiness !== undefined && flags.burstiness !== '1' && arrival !== 'gamma') {
    throw new UsageError('--burstiness shapes gamma arrivals: add --arrival gamma');
  }
  const rampUpMs = flags.rampUp === undefined ? 0 : context.parseDurationMs(flags.rampUp, '--ramp-up');
  const inputTokens = flags.inputTokens === undefined ? undefined : parseLengthSpec(flags.inputTokens, '--input-tokens');
  const outputSpec = flags.outputTokens === undefined ? undefined : parseLengthSpec(flags.outputTokens, '--output-tokens');
  const prefixTokens = flags.prefixTokens === undefined ? undefined : positiveInt(flags.prefixTokens, '--prefix-tokens');
  const counter = tokenCounter(flags.tokenizer);
  const workload = loadWorkload({
    dataset: flags.dataset,
    datasetPath: flags.datasetPath,
    promptsFile: flags.prompts,
    inputTokens,
    prefixTokens,
    outputTokens: outputSpec,
    // Long random prompts: fewer unique ones (reused in order), so what is built up front stays bounded.
    count: inputTokens ? Math.max(1, Math.min(context.count, Math.floor(MAX_RANDOM_TOKENS_IN_MEMORY / maxLength(inputTokens)))) : context.count,
    seed: context.seed,
    counter,
  });
  if (workload.kind === 'multi-turn' && context.api !== 'chat') throw new UsageError('--dataset multi-turn replays chat histories: use --api chat');
  return {
    prompts: workload.prompts,
    source: workload.source,
    outputTokens: outputSpec?.kind === 'fixed' ? outputSpec.tokens : null,
    fields: {
      datasetKind: workload.kind,
      arrival,
      burstiness,
      rampUpMs,
      ignoreEos: Boolean(flags.ignoreEos),
      tokenCounter: counter,
      skippedRecords: workload.skipped,
      workloadConfig: {
        dataset: workload.kind,
        input_tokens: inputTokens ? describeLength(inputTokens) : null,
        prefix_tokens: prefixTokens ?? 0,
        output_tokens_spec: outputSpec ? describeLength(outputSpec) : null,
        ignore_eos: Boolean(flags.ignoreEos),
        tokenizer: counter.name,
        token_counts_exact_client: counter.exact,
        arrival,
        burstiness,
        ramp_up_s: rampUpMs / 1000,
        skipped_records: workload.skipped.length,
      },
    },
  };
}
