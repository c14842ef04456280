// The workload flags of `run` (--dataset, --tokenizer, --arrival, --ramp-up...), validated into plan fields at the edge.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ARRIVAL_KIND_NAMES, arrivalProcess, type ArrivalKind } from './arrivals.js';
import { DATASET_KINDS, loadWorkload, SHARED_PREFIX_DEFAULTS, type DatasetKind, type SharedPrefixSpec } from './datasets/index.js';
import { describeLength, maxLength, parseLengthSpec } from './lengths.js';
import { checkTokens, MAX_RANDOM_TOKENS_IN_MEMORY } from './limits.js';
import type { Prompt } from './prompts.js';
import { TRACE_FORMATS, type TraceFormat } from './datasets/trace.js';
import { tokenCounter, type TokenCounter } from './tokenizer.js';
import { addImageOptions, attachSyntheticImages, describeImageSpec, imageSpec, IMAGE_APIS, syntheticImagePool, type ImageFlags } from './images/index.js';

/** Raw workload flags (commander's camelCase names); --prompts, --input-tokens and --output-tokens are declared by run. */
export interface WorkloadFlags extends ImageFlags {
  dataset?: string;
  datasetPath?: string;
  prompts?: string;
  inputTokens?: string;
  prefixTokens?: string;
  prefixGroups?: string;
  promptsPerGroup?: string;
  suffixTokens?: string;
  prefixZipf?: string;
  traceFormat?: string;
  replaySpeed?: string;
  traceStart?: string;
  traceEnd?: string;
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
  return addImageOptions(command)
    .option('--dataset <kind>', `prompt source: ${DATASET_KINDS.join(', ')} (file kinds default to the shipped sample in prompts/)`)
    .option('--dataset-path <file>', 'the dataset file for --dataset lines|jsonl|sharegpt|openai-batch|multi-turn')
    .option('--prefix-tokens <n>', '--dataset random: the first n tokens are the same in every prompt (prefix caching); part of --input-tokens')
    .option('--prefix-groups <g>', `shared-prefix prompts (--dataset shared-prefix): g groups, each one shared prefix (default ${SHARED_PREFIX_DEFAULTS.groups})`)
    .option('--prompts-per-group <p>', `--dataset shared-prefix: distinct suffixes per group (default ${SHARED_PREFIX_DEFAULTS.promptsPerGroup})`)
    .option('--suffix-tokens <m>', `--dataset shared-prefix: tokens after the prefix, unique per prompt (default ${SHARED_PREFIX_DEFAULTS.suffixTokens}; the prefix is --prefix-tokens, default ${SHARED_PREFIX_DEFAULTS.prefixTokens})`)
    .option('--prefix-zipf <s>', '--dataset shared-prefix: group popularity Zipf exponent (0 = uniform, the default; 1 = a few hot groups)')
    .option('--trace-format <kind>', `--dataset trace: ${Object.keys(TRACE_FORMATS).join(', ')} (without --dataset-path, the shipped sample of that format)`)
    .option('--replay-speed <x>', '--dataset trace: replay x times as fast (2 halves every recorded gap)', '1')
    .option('--trace-start <time>', '--dataset trace: replay from this point of the trace (e.g. 10m), measured from its first request')
    .option('--trace-end <time>', '--dataset trace: replay up to this point of the trace')
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

/** The shared-prefix settings when --dataset shared-prefix or --prefix-groups asks for them, else undefined. */
export function sharedPrefixSpec(flags: WorkloadFlags): SharedPrefixSpec | undefined {
  const given = [flags.prefixGroups, flags.promptsPerGroup, flags.suffixTokens, flags.prefixZipf].some((v) => v !== undefined);
  if (!given && flags.dataset !== 'shared-prefix') return undefined;
  if (flags.dataset !== undefined && flags.dataset !== 'shared-prefix') {
    throw new UsageError(`--prefix-groups, --prompts-per-group, --suffix-tokens and --prefix-zipf shape --dataset shared-prefix, not ${flags.dataset}`);
  }
  const zipf = flags.prefixZipf === undefined ? 0 : Number(flags.prefixZipf);
  if (!Number.isFinite(zipf) || zipf < 0 || zipf > 10) throw new UsageError(`--prefix-zipf ${flags.prefixZipf}: must be a number from 0 (uniform) to 10`);
  const int = (text: string | undefined, flag: string, fallback: number) => (text === undefined ? fallback : positiveInt(text, flag));
  return {
    groups: int(flags.prefixGroups, '--prefix-groups', SHARED_PREFIX_DEFAULTS.groups),
    promptsPerGroup: int(flags.promptsPerGroup, '--prompts-per-group', SHARED_PREFIX_DEFAULTS.promptsPerGroup),
    prefixTokens: int(flags.prefixTokens, '--prefix-tokens', SHARED_PREFIX_DEFAULTS.prefixTokens),
    suffixTokens: int(flags.suffixTokens, '--suffix-tokens', SHARED_PREFIX_DEFAULTS.suffixTokens),
    zipf,
  };
}

/** The trace replay settings for --dataset trace, else undefined (and trace flags without it are an error). */
function traceSpec(flags: WorkloadFlags, parseDurationMs: (text: string, flag: string) => number) {
  const given = flags.traceFormat !== undefined || flags.traceStart !== undefined || flags.traceEnd !== undefined || (flags.replaySpeed ?? '1') !== '1';
  if (flags.dataset !== 'trace') {
    if (given) throw new UsageError('--trace-format, --replay-speed, --trace-start and --trace-end replay a trace: add --dataset trace');
    return undefined;
  }
  const format = flags.traceFormat ?? 'mooncake';
  if (!(format in TRACE_FORMATS)) throw new UsageError(`--trace-format ${format}: must be one of ${Object.keys(TRACE_FORMATS).join(', ')}`);
  const speed = Number(flags.replaySpeed ?? '1');
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1e6) throw new UsageError(`--replay-speed ${flags.replaySpeed}: must be a number above 0 (1 = as recorded, 2 = twice as fast)`);
  const startMs = flags.traceStart === undefined ? 0 : parseDurationMs(flags.traceStart, '--trace-start');
  const endMs = flags.traceEnd === undefined ? Infinity : parseDurationMs(flags.traceEnd, '--trace-end');
  if (endMs <= startMs) throw new UsageError(`--trace-end ${flags.traceEnd}: must be after --trace-start ${flags.traceStart ?? '0'}`);
  return { format: format as TraceFormat, speed, startMs, endMs };
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
  const sharedPrefix = sharedPrefixSpec(flags);
  const trace = traceSpec(flags, context.parseDurationMs);
  const images = imageSpec(flags, context.api);
  const workload = loadWorkload({
    sharedPrefix,
    trace,
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
  if (!IMAGE_APIS.includes(context.api) && workload.prompts.some((p) => p.images !== undefined && p.images.length > 0)) {
    throw new UsageError(`${workload.source}: its records carry images, which --api ${context.api} cannot send; use --api chat, responses or messages`);
  }
  // Drawn here, before the run: generation never falls inside the timed window.
  if (images !== undefined) attachSyntheticImages(workload.prompts, syntheticImagePool(images, context.seed, workload.prompts.length));
  const datasetImages = images === undefined && workload.prompts.some((p) => p.images !== undefined && p.images.length > 0);
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
        prefix_tokens: sharedPrefix?.prefixTokens ?? prefixTokens ?? 0,
        ...(sharedPrefix
          ? { prefix_groups: sharedPrefix.groups, prompts_per_group: sharedPrefix.promptsPerGroup, suffix_tokens: sharedPrefix.suffixTokens, prefix_zipf: sharedPrefix.zipf }
          : {}),
        ...(trace
          ? { trace_format: trace.format, replay_speed: trace.speed, trace_start_s: trace.startMs / 1000, trace_end_s: Number.isFinite(trace.endMs) ? trace.endMs / 1000 : null }
          : {}),
        output_tokens_spec: outputSpec ? describeLength(outputSpec) : null,
        ignore_eos: Boolean(flags.ignoreEos),
        tokenizer: counter.name,
        token_counts_exact_client: counter.exact,
        arrival,
        burstiness,
        ramp_up_s: rampUpMs / 1000,
        skipped_records: workload.skipped.length,
        ...(images ? describeImageSpec(images) : {}),
        ...(datasetImages ? { images: 'dataset' } : {}),
      },
    },
  };
}
