// `llmperf eval`: accuracy benchmarks through the load engine's client, against a server or the built-in simulator.
import { appendFileSync, writeFileSync } from 'node:fs';
import { makeOutDir } from '../util/out-dir.js';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { resolveTarget, type Target } from '../engine/jobs.js';
import { EXIT_INTERRUPTED, EXIT_NO_SCORES, UsageError } from '../errors.js';
import { startMockInWorker, type MockOptions, type MockServer } from '../mock/index.js';
import { renderEvalPage } from '../eval/report-page.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { buildAnswerKey } from '../eval/answer-key.js';
import { DEFAULT_NEEDLE, parseNeedleDepths, parseNeedleLengths, type NeedleOptions } from '../eval/benchmarks/needle.js';
import { NoCache, ResponseCache } from '../eval/cache.js';
import { loadBenchmarks, type LoadedSet } from '../eval/load.js';
import { parseDatasets } from '../eval/registry.js';
import { runEval, type EvalDocument, type Progress } from '../eval/runner.js';
import type { RougeTokenizer } from '../eval/metrics/rouge.js';
import { prepareSandbox } from '../eval/sandbox.js';
import { renderScoreTable } from '../eval/table.js';
import type { EvalMode, SimAnswer } from '../eval/types.js';
import { parseByteCount, parseChoice, parseDurationMs, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from '../util/parse.js';

export interface EvalFlags {
  datasets?: string;
  /** `--dataset`, the singular spelling, accepted as the same flag. */
  dataset?: string;
  url?: string;
  model?: string;
  apiKeyEnv?: string;
  dataDir?: string;
  limit?: string;
  fewShot?: string;
  concurrency: string;
  mode: string;
  seed: string;
  allowCodeExecution?: boolean;
  unsafeNoSandbox?: boolean;
  out?: string;
  cache: boolean;
  cacheDir?: string;
  samples: string;
  maxTokens?: string;
  codeTimeout: string;
  /** Default `10m`. */
  timeout?: string;
  /** Default `16MiB`. */
  maxResponseBytes?: string;
  simAccuracy: string;
  rougeTokenizer?: string;
  needleLengths?: string;
  needleDepths?: string;
  needleSamples?: string;
  quiet?: boolean;
}

/** Per-request limits: reasoning models can think for minutes; 16 MiB is some 70,000 streamed tokens. */
const DEFAULT_TIMEOUT = '10m';
const DEFAULT_MAX_RESPONSE = '16MiB';

/** The validated flags. */
export interface EvalPlan {
  datasets: ReturnType<typeof parseDatasets>;
  url: string | null;
  model: string | undefined;
  apiKeyEnv: string | undefined;
  dataDir: string | null;
  limit: number | null;
  fewShot: number | null;
  concurrency: number;
  mode: EvalMode;
  seed: number;
  allowCodeExecution: boolean;
  /** Run HumanEval programs without bubblewrap (--unsafe-no-sandbox). */
  unsafeNoSandbox: boolean;
  outDir: string;
  cache: boolean;
  cacheDir: string;
  samples: number;
  maxTokens: number | null;
  codeTimeoutMs: number;
  /** Per-request time limit (--timeout). */
  timeoutMs: number;
  /** Per-request cap on response bytes (--max-response-bytes): an endless stream ends as response_too_large. */
  maxResponseBytes: number;
  simAccuracy: number;
  rougeTokenizer: RougeTokenizer;
  needle: NeedleOptions;
  quiet: boolean;
}

export function toEvalPlan(flags: EvalFlags): EvalPlan {
  const simAccuracy = Number(flags.simAccuracy);
  if (!Number.isFinite(simAccuracy) || simAccuracy < 0 || simAccuracy > 1) throw new UsageError(`--sim-accuracy ${flags.simAccuracy}: must be a probability between 0 and 1`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return {
    datasets: parseDatasets([flags.datasets, flags.dataset].filter((d): d is string => d !== undefined).join(',')),
    url: flags.url ?? null,
    model: flags.model,
    apiKeyEnv: flags.apiKeyEnv,
    dataDir: flags.dataDir ?? null,
    limit: flags.limit === undefined ? null : parsePositiveInt(flags.limit, '--limit'),
    fewShot: flags.fewShot === undefined ? null : parseNonNegativeInt(flags.fewShot, '--few-shot'),
    concurrency: parsePositiveInt(flags.concurrency, '--concurrency'),
    mode: parseChoice(flags.mode, '--mode', ['generate', 'loglikelihood'] as const),
    seed: parseNonNegativeInt(flags.seed, '--seed'),
    allowCodeExecution: flags.allowCodeExecution === true,
    unsafeNoSandbox: flags.unsafeNoSandbox === true,
    outDir: flags.out ?? join('reports', `eval-${stamp}`),
    cache: flags.cache,
    cacheDir: flags.cacheDir ?? join('.llmperf-cache', 'eval'),
    samples: parsePositiveInt(flags.samples, '--samples'),
    maxTokens: flags.maxTokens === undefined ? null : parsePositiveInt(flags.maxTokens, '--max-tokens'),
    codeTimeoutMs: parsePositiveNumber(flags.codeTimeout, '--code-timeout') * 1000,
    timeoutMs: parseDurationMs(flags.timeout ?? DEFAULT_TIMEOUT, '--timeout'),
    maxResponseBytes: parseByteCount(flags.maxResponseBytes ?? DEFAULT_MAX_RESPONSE, '--max-response-bytes'),
    simAccuracy,
    rougeTokenizer: parseChoice(flags.rougeTokenizer ?? 'rouge_score', '--rouge-tokenizer', ['rouge_score', 'cjk'] as const),
    needle: {
      lengthsTokens: flags.needleLengths === undefined ? DEFAULT_NEEDLE.lengthsTokens : parseNeedleLengths(flags.needleLengths),
      depthsPercent: flags.needleDepths === undefined ? DEFAULT_NEEDLE.depthsPercent : parseNeedleDepths(flags.needleDepths),
      samples: flags.needleSamples === undefined ? DEFAULT_NEEDLE.samples : parsePositiveInt(flags.needleSamples, '--needle-samples'),
    },
    quiet: flags.quiet === true,
  };
}

/** One progress line: failures and cached answers are counted apart, never as "answered" by the server. */
export function formatProgress(benchmark: string, p: Progress): string {
  const answered = p.done - p.failed - p.cached;
  const parts = [`${answered} answered by the server`];
  if (p.cached > 0) parts.push(`${p.cached} from the cache`);
  parts.push(`${p.failed} failed`);
  return `${benchmark}: ${p.done}/${p.total} requests done: ${parts.join(', ')}`;
}

/** Prints the progress line at most every 5 s (and when a benchmark completes), so a long real eval shows it is moving. */
function progressPrinter(log: (line: string) => void): (benchmark: string, progress: Progress) => void {
  let lastMs = Date.now();
  return (benchmark, progress) => {
    const now = Date.now();
    if (now - lastMs < 5000 && progress.done < progress.total) return;
    lastMs = now;
    log(formatProgress(benchmark, progress));
  };
}

/** 4 (EXIT_NO_SCORES) when some benchmark scored no item at all, else 0. */
export function evalExitCode(doc: EvalDocument): number {
  return Object.values(doc.benchmarks).some((b) => b.error !== null) ? EXIT_NO_SCORES : 0;
}

/** Against a real server, the shipped samples must never pass for a benchmark score. */
export function samplesWarning(plan: Pick<EvalPlan, 'url' | 'dataDir'>, sets: readonly LoadedSet[]): string | null {
  if (plan.url === null || plan.dataDir !== null) return null;
  const sampled = sets.filter((s) => s.benchmark.folder !== null).map((s) => `${s.benchmark.name} (${s.loaded.items.length})`);
  if (sampled.length === 0) return null;
  return `--url without --data-dir: these scores are on the shipped samples, a few items per benchmark written to test llmperf (${sampled.join(', ')}), NOT the benchmarks; download each benchmark's files as distributed (see the eval guide, "Getting the data") and pass --data-dir <folder>`;
}

/** The answer key the simulator serves for these items; exported so tests can start their own simulator. */
export function simulatorAnswerKey(sets: readonly LoadedSet[], plan: Pick<EvalPlan, 'mode' | 'fewShot' | 'seed' | 'samples'>): SimAnswer[] {
  return buildAnswerKey(sets.map((s) => ({ benchmark: s.benchmark, items: s.loaded.items })), plan.mode, { fewShot: plan.fewShot ?? 0, seed: plan.seed, samples: plan.samples });
}

/** Loads, runs and writes eval.json + eval-samples.jsonl; returns the document. Used by the command and by tests. */
export async function executeEval(plan: EvalPlan, log: (line: string) => void = () => {}): Promise<{ doc: EvalDocument; outDir: string }> {
  const sets = await loadBenchmarks(plan.datasets, plan.dataDir, { limit: plan.limit, seed: plan.seed, fewShot: plan.fewShot, needle: plan.needle });
  // Decide how model-written code will run before any request is sent: a missing sandbox is a usage error now, not after the answers.
  if (plan.allowCodeExecution && sets.some((s) => s.benchmark.executesCode)) {
    const sandbox = await prepareSandbox({ unsafeNoSandbox: plan.unsafeNoSandbox });
    // Said even with --quiet: running model-written code unsandboxed must never go unnoticed.
    if (sandbox.kind === 'unsafe') process.stderr.write(`WARNING: ${sandbox.unprotected}\n`);
    else log(`Model-written programs run under ${sandbox.bwrap}: own PID, network and user namespaces, read-only system view, private /tmp, limits.`);
    if (sandbox.note) log(`note: ${sandbox.note}`);
  }
  let simulator: MockServer | null = null;
  let target: Target;
  try {
    if (plan.url === null) {
      const answerKey = simulatorAnswerKey(sets, plan);
      const options = { port: 0, seed: plan.seed, answerKey, answerAccuracy: plan.simAccuracy } as Partial<MockOptions>;
      simulator = await startMockInWorker(options);
      log(`No --url given: evaluating the built-in simulator at ${simulator.url}, a test double that answers correctly with probability ${plan.simAccuracy} (--sim-accuracy); these scores say nothing about any real model.`);
      target = await resolveTarget(simulator.url, plan.model);
    } else {
      target = await resolveTarget(plan.url, plan.model, plan.apiKeyEnv);
    }
    target = { ...target, timeoutMs: plan.timeoutMs, maxResponseBytes: plan.maxResponseBytes };
    const warning = samplesWarning(plan, sets);
    if (warning) log(`warning: ${warning}`);
    makeOutDir(plan.outDir);
    const reviewFile = join(plan.outDir, 'eval-samples.jsonl');
    writeFileSync(reviewFile, '');
    // The server's URL salts the cache (two servers may serve the same model id, e.g. before and after a
    // quantisation change); the simulator's port changes every run, so its settings salt it instead.
    const salt = simulator ? `simulator:${plan.simAccuracy}:${plan.seed}` : `url:${target.baseUrl}`;
    const cache = plan.cache ? new ResponseCache(plan.cacheDir, salt) : new NoCache();
    const doc = await runEval(
      sets.map((s) => ({ benchmark: s.benchmark, loaded: s.loaded })),
      {
        target, mode: plan.mode, fewShot: plan.fewShot, concurrency: plan.concurrency, seed: plan.seed, samples: plan.samples, maxTokens: plan.maxTokens,
        allowCodeExecution: plan.allowCodeExecution, unsafeNoSandbox: plan.unsafeNoSandbox, codeTimeoutMs: plan.codeTimeoutMs, rougeTokenizer: plan.rougeTokenizer, cache, simulated: simulator !== null, log,
        warnings: warning ? [warning] : [],
        onReview: (record) => appendFileSync(reviewFile, JSON.stringify(record) + '\n'),
        onProgress: progressPrinter(log),
      },
    );
    writeJsonAtomic(join(plan.outDir, 'eval.json'), doc);
    writeFileAtomic(join(plan.outDir, 'report.html'), renderEvalPage(doc));
    return { doc, outDir: plan.outDir };
  } finally {
    await simulator?.close();
  }
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('run accuracy benchmarks (MMLU, GSM8K, HumanEval...) against an endpoint; without --url, against the built-in simulator (a test double)')
    .option('--datasets <list>', 'comma-separated benchmarks: mmlu, ceval, arc, hellaswag, truthfulqa, gsm8k, math, humaneval, bbh, triviaqa, general_qa, dynamic-arithmetic, ifeval, mmlu_pro, gpqa_diamond, math500, aime, needle, induction')
    .option('--dataset <list>', 'same as --datasets')
    .option('--url <url>', 'OpenAI-compatible server, e.g. http://127.0.0.1:8000 (default: start the simulator)')
    .option('--model <id>', 'model id (default: the first one GET /v1/models lists)')
    .option('--api-key-env <VAR>', 'environment variable holding the API key (default OPENAI_API_KEY)')
    .option('--data-dir <dir>', 'one sub-folder per benchmark holding its files as distributed (default: the shipped samples)')
    .option('--limit <n>', 'at most n items per benchmark, spread over its subsets')
    .option('--few-shot <k>', 'few-shot examples per prompt (default: each benchmark\'s standard)')
    .option('--concurrency <n>', 'requests in flight', '8')
    .addOption(new Option('--mode <mode>', 'generate (chat, answer parsed from text) or loglikelihood (completions echo+logprobs, multiple choice)').default('generate'))
    .option('--seed <n>', 'seed for shuffles, generated items and the simulator', '0')
    .option('--allow-code-execution', 'let HumanEval run model-written Python, each program inside a bubblewrap sandbox (no network, no view of your files or processes, time/CPU/memory/file/process limits)')
    .option('--unsafe-no-sandbox', 'with --allow-code-execution: run the programs WITHOUT bubblewrap (as nobody when root; limits and a process-group kill only)')
    .option('--out <dir>', 'output folder for eval.json, eval-samples.jsonl and the response cache')
    .option('--no-cache', 'do not read or write the response cache')
    .option('--cache-dir <dir>', 'response cache folder, shared by runs so an interrupted eval resumes', '.llmperf-cache/eval')
    .option('--samples <n>', 'answers sampled per HumanEval task (pass@k for k <= n)', '1')
    .option('--max-tokens <n>', 'generation budget per answer in generate mode (default: per benchmark, 64-1024; raise it for reasoning models)')
    .option('--code-timeout <seconds>', 'time limit per HumanEval program', '10')
    .option('--timeout <time>', 'time limit per request (e.g. 90s, 10m)', DEFAULT_TIMEOUT)
    .option('--max-response-bytes <size>', 'a response longer than this (e.g. 16MiB) ends as response_too_large, so an endless stream cannot exhaust memory', DEFAULT_MAX_RESPONSE)
    .option('--sim-accuracy <p>', 'without --url: probability that the simulator answers correctly', '0.8')
    .option('--rouge-tokenizer <name>', 'general_qa ROUGE tokenization: rouge_score (default, as Google\'s rouge_score: drops non-ASCII letters, so Chinese scores 0) or cjk (each CJK character a token; metrics named rouge*_cjk)', 'rouge_score')
    .option('--needle-lengths <list>', 'needle test: prompt lengths in tokens of 4 characters, e.g. 1k,4k,16k,64k', '1k,4k,16k')
    .option('--needle-depths <list>', 'needle test: where the needle sits, percent of the text before it', '0,25,50,75,100')
    .option('--needle-samples <n>', 'needle test: needles per (length, depth) cell', '2')
    .option('-q, --quiet', 'print only the score table (and errors)')
    .action(async (flags: EvalFlags) => {
      const plan = toEvalPlan(flags);
      const log = (line: string): void => {
        if (!plan.quiet) process.stderr.write(`${line}\n`);
      };
      // Answers are cached as they arrive, so stopping loses nothing: say how to resume, and go.
      const onSignal = (signal: NodeJS.Signals): void => {
        const resume = plan.cache ? `every answer received so far is cached in ${plan.cacheDir}; run the same command again to resume` : 'nothing was cached (--no-cache)';
        process.stderr.write(`\n${signal}: eval stopped; ${resume}\n`);
        process.exit(EXIT_INTERRUPTED);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let result: Awaited<ReturnType<typeof executeEval>>;
      try {
        result = await executeEval(plan, log);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const { doc, outDir } = result;
      process.stdout.write(`${renderScoreTable(doc)}\n`);
      for (const [name, b] of Object.entries(doc.benchmarks)) for (const note of b.notes) log(`note: ${name}: ${note}`);
      // Printed even under -q: a score on the samples must never be read as a benchmark score.
      for (const warning of doc.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (doc.simulated) log('These scores come from the built-in simulator (a test double), not from a model.');
      log(`Wrote ${join(outDir, 'eval.json')} and ${join(outDir, 'eval-samples.jsonl')}`);
      // A benchmark with no scored item has no score: an error even under --quiet, and exit code 4.
      for (const [name, b] of Object.entries(doc.benchmarks)) if (b.error !== null) process.stderr.write(`error: ${name}: ${b.error}\n`);
      const code = evalExitCode(doc);
      if (code !== 0) process.exitCode = code;
    });
}
