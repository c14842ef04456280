// One eval run: settings validated into a plan, benchmarks loaded and run against a server or the built-in simulator, files written.
import { appendFileSync, writeFileSync } from 'node:fs';
import { makeOutDir } from '../util/out-dir.js';
import { join } from 'node:path';
import { resolveTarget, type Target } from '../engine/jobs.js';
import { EXIT_NO_SCORES, UsageError } from '../errors.js';
import { startMockInWorker, type MockOptions, type MockServer } from '../mock/index.js';
import { renderEvalPage } from './report-page.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { buildAnswerKey } from './answer-key.js';
import { DEFAULT_NEEDLE, parseNeedleDepths, parseNeedleLengths, type NeedleOptions } from './benchmarks/needle.js';
import { NoCache, ResponseCache } from './cache.js';
import { loadBenchmarks, type LoadedSet } from './load.js';
import { parseDatasets } from './registry.js';
import { runEval, type EvalDocument, type Progress } from './runner.js';
import type { RougeTokenizer } from './metrics/rouge.js';
import { openEvalJudge } from './judge.js';
import { prepareSandbox } from './sandbox.js';
import type { EvalMode, SimAnswer } from './types.js';
import { parseByteCount, parseChoice, parseDurationMs, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from '../util/parse.js';

/** Defaults of the eval settings that have one. */
export const EVAL_DEFAULTS = { concurrency: '8', mode: 'generate', seed: '0', cacheDir: '.llmperf-cache/eval', samples: '1', codeTimeout: '10', simAccuracy: '0.8', rougeTokenizer: 'rouge_score' } as const;

/** The eval's settings as text, as the CLI's flags give them. */
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
  /** Comply mode for attack probes (induction, injection): the simulator complies with this probability. */
  simComplyRate?: string;
  /** The judge of judge-scored benchmarks (injection); default the built-in simulator. */
  judgeUrl?: string;
  judgeModel?: string;
  judgeApiKeyEnv?: string;
  rougeTokenizer?: string;
  needleLengths?: string;
  needleDepths?: string;
  needleSamples?: string;
  quiet?: boolean;
}

/** Per-request limits: reasoning models can think for minutes; 16 MiB is some 70,000 streamed tokens. */
export const DEFAULT_TIMEOUT = '10m';
export const DEFAULT_MAX_RESPONSE = '16MiB';

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
  /** null: probes follow simAccuracy like every item. */
  simComplyRate: number | null;
  judgeUrl: string | null;
  judgeModel: string | undefined;
  judgeApiKeyEnv: string | undefined;
  rougeTokenizer: RougeTokenizer;
  needle: NeedleOptions;
  quiet: boolean;
}

export function toEvalPlan(flags: EvalFlags): EvalPlan {
  const simAccuracy = Number(flags.simAccuracy);
  if (!Number.isFinite(simAccuracy) || simAccuracy < 0 || simAccuracy > 1) throw new UsageError(`--sim-accuracy ${flags.simAccuracy}: must be a probability between 0 and 1`);
  const simComplyRate = flags.simComplyRate === undefined ? null : Number(flags.simComplyRate);
  if (simComplyRate !== null && (flags.simComplyRate!.trim() === '' || !Number.isFinite(simComplyRate) || simComplyRate < 0 || simComplyRate > 1)) throw new UsageError(`--sim-comply-rate ${flags.simComplyRate}: must be a probability between 0 and 1`);
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
    simComplyRate,
    judgeUrl: flags.judgeUrl ?? null,
    judgeModel: flags.judgeModel,
    judgeApiKeyEnv: flags.judgeApiKeyEnv,
    rougeTokenizer: parseChoice(flags.rougeTokenizer ?? EVAL_DEFAULTS.rougeTokenizer, '--rouge-tokenizer', ['rouge_score', 'cjk'] as const),
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

/** Reports the progress line at most every 5 s (and when a benchmark completes), so a long real eval shows it is moving. */
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
  let judgeSimulator: MockServer | null = null;
  let target: Target;
  // Judge-scored benchmarks (injection) need a judge: --judge-url, else the built-in simulator's refusal rule.
  const needsJudge = sets.some((s) => s.benchmark.judgePrompt !== undefined);
  const simJudge = needsJudge && plan.judgeUrl === null;
  try {
    const limits = { timeoutMs: plan.timeoutMs, maxResponseBytes: plan.maxResponseBytes };
    if (plan.url === null) {
      const answerKey = simulatorAnswerKey(sets, plan);
      const options = { port: 0, seed: plan.seed, answerKey, answerAccuracy: plan.simAccuracy, complyRate: plan.simComplyRate, ...(simJudge ? { judgeRule: 'longer' } : {}) } as Partial<MockOptions>;
      simulator = await startMockInWorker(options);
      const comply = plan.simComplyRate === null ? '' : `, complies with attack probes with probability ${plan.simComplyRate} (--sim-comply-rate)`;
      log(`No --url given: evaluating the built-in simulator at ${simulator.url}, a test double that answers correctly with probability ${plan.simAccuracy} (--sim-accuracy)${comply}; these scores say nothing about any real model.`);
      target = await resolveTarget(simulator.url, plan.model);
    } else {
      target = await resolveTarget(plan.url, plan.model, plan.apiKeyEnv);
    }
    target = { ...target, ...limits };
    const warnings: string[] = [];
    const warning = samplesWarning(plan, sets);
    if (warning) warnings.push(warning);
    const opened = needsJudge ? await openEvalJudge(plan, simulator, limits) : null;
    const judge = opened?.judge;
    judgeSimulator = opened?.ownSimulator ?? null;
    if (opened?.warning) warnings.push(opened.warning);
    if (!needsJudge && plan.judgeUrl !== null) log(`note: --judge-url is used only by judge-scored benchmarks (injection), and none is in --datasets: ignored`);
    for (const w of warnings) log(`warning: ${w}`);
    makeOutDir(plan.outDir);
    const reviewFile = join(plan.outDir, 'eval-samples.jsonl');
    writeFileSync(reviewFile, '');
    // The server's URL salts the cache (two servers may serve the same model id, e.g. before and after a
    // quantisation change); the simulator's port changes every run, so its settings salt it instead.
    const salt = simulator ? `simulator:${plan.simAccuracy}:${plan.seed}${plan.simComplyRate === null ? '' : `:comply=${plan.simComplyRate}`}` : `url:${target.baseUrl}`;
    const cache = plan.cache ? new ResponseCache(plan.cacheDir, salt) : new NoCache();
    const doc = await runEval(
      sets.map((s) => ({ benchmark: s.benchmark, loaded: s.loaded })),
      {
        target, mode: plan.mode, fewShot: plan.fewShot, concurrency: plan.concurrency, seed: plan.seed, samples: plan.samples, maxTokens: plan.maxTokens,
        allowCodeExecution: plan.allowCodeExecution, unsafeNoSandbox: plan.unsafeNoSandbox, codeTimeoutMs: plan.codeTimeoutMs, rougeTokenizer: plan.rougeTokenizer, cache, simulated: simulator !== null, log,
        warnings,
        judge,
        onReview: (record) => appendFileSync(reviewFile, JSON.stringify(record) + '\n'),
        onProgress: progressPrinter(log),
      },
    );
    writeJsonAtomic(join(plan.outDir, 'eval.json'), doc);
    writeFileAtomic(join(plan.outDir, 'report.html'), renderEvalPage(doc));
    return { doc, outDir: plan.outDir };
  } finally {
    await simulator?.close();
    await judgeSimulator?.close();
  }
}
