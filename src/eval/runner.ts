// The eval pipeline: items -> prompts -> jobs (cached) -> responses -> extraction -> scores -> eval.json and review file.
import type { Target } from '../engine/jobs.js';
import type { ResultDocument } from '../metrics/schema.js';
import { UsageError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { aggregateSamples, type SubsetScore } from './aggregate.js';
import type { ResponseCache } from './cache.js';
import { hashFiles, sha256 } from './data.js';
import { generateMetric, scoreContext, type ModeRun, type Prepared } from './mode-run.js';
import { runGenerate } from './run-generate.js';
import { runLoglikelihood, type Capability } from './run-loglikelihood.js';
import { CODE_EXECUTION_REFUSAL } from './sandbox.js';
import type { RougeTokenizer } from './metrics/rouge.js';
import type { EvalJudge, JudgeSummary } from './judge.js';
import type { EvalMode, JudgeRecord, PromptContext } from './types.js';

export const EVAL_SCHEMA = 'llmperf/eval@1';

export interface BenchmarkResult {
  metric: string;
  score: number | null;
  stderr: number | null;
  n: number;
  mode: EvalMode;
  subsets: SubsetScore[];
  categories: SubsetScore[];
  metrics: Record<string, number>;
  metrics_stderr: Record<string, number>;
  failed_requests: number;
  cached_responses: number;
  /** Items with at least one answer from the server (or the cache); 0 makes the eval an error (exit 4). */
  scored_items: number;
  /** Why the benchmark produced no score although it ran (every request failed); null otherwise. */
  error: string | null;
  notes: string[];
  /** Set when the benchmark did not run (e.g. code execution not allowed). */
  refused: string | null;
  /** Judge-scored benchmarks (injection): the judge model, its requests, and how many verdicts could not be parsed. */
  judge?: JudgeSummary;
  fingerprint: {
    dataset_sha256: string | null;
    prompt_template_sha256: string;
    generation: Record<string, unknown>;
    model: string;
  };
}

export interface EvalDocument {
  schema: typeof EVAL_SCHEMA;
  started_at: string;
  ended_at: string;
  simulated: boolean;
  model: string;
  url: string;
  /** Warnings about the whole eval (e.g. the shipped samples were scored against a real server). */
  warnings: string[];
  benchmarks: Record<string, BenchmarkResult>;
  /** The serving performance of each benchmark's own requests (null: every answer came from the cache). */
  perf: Record<string, ResultDocument | null>;
}

/** One line of the per-sample review file: everything needed to spot an extraction failure. */
export interface ReviewRecord {
  benchmark: string;
  id: string;
  subset: string;
  source: string;
  mode: EvalMode;
  prompt: unknown;
  response: unknown;
  extracted: string | null;
  gold: string;
  /** The headline metric of this run: `value` and `correct` are its value, never another metric's. */
  headline: string;
  /** null where there is no right or wrong (perplexity). */
  correct: boolean | null;
  value: number;
  /** Every metric of this item, the headline included. */
  values?: Record<string, number>;
  /** What corpus-level metrics are computed from (perplexity: logprob_sum, tokens, words, bytes). */
  counts?: Record<string, number>;
  /** Judge-scored benchmarks: the judge's parsed verdict (null = unparseable or not judged) and its raw reply. */
  judge?: JudgeRecord;
  error: string | null;
}

export interface RunOptions {
  target: Target;
  mode: EvalMode;
  fewShot: number | null;
  concurrency: number;
  seed: number;
  samples: number;
  /** Overrides every benchmark's own generation budget (reasoning models need more). */
  maxTokens?: number | null;
  allowCodeExecution: boolean;
  codeTimeoutMs: number;
  /** Run model-written programs without bubblewrap (--unsafe-no-sandbox). */
  unsafeNoSandbox?: boolean;
  /** ROUGE tokenization for general_qa (default rouge_score's). */
  rougeTokenizer?: RougeTokenizer;
  cache: ResponseCache;
  simulated: boolean;
  log: (line: string) => void;
  /** Called as answers arrive (cached ones counted at once); the CLI prints it every few seconds. */
  onProgress?: (benchmark: string, progress: Progress) => void;
  onReview?: (record: ReviewRecord) => void;
  /** Eval-wide warnings copied into eval.json. */
  warnings?: string[];
  /** The judge model for judge-scored benchmarks (injection); without one they are a usage error. */
  judge?: EvalJudge;
}

/** Where a benchmark's requests stand: `done` = answered + failed; `cached` are answered without a request. */
export interface Progress {
  done: number;
  total: number;
  failed: number;
  cached: number;
}

/** Runs one benchmark over its loaded items and returns its eval.json entry and perf document. */
export async function runBenchmark(p: Prepared, options: RunOptions, capability: Capability = { loglikelihood: undefined }): Promise<{ result: BenchmarkResult; perf: ResultDocument | null }> {
  const { benchmark, loaded } = p;
  const ctx: PromptContext = { fewShot: options.fewShot ?? benchmark.defaultFewShot, seed: options.seed, samples: benchmark.executesCode ? options.samples : 1 };
  const notes = [...loaded.notes];
  const base = { n: 0, subsets: [], categories: [], metrics: {}, metrics_stderr: {}, failed_requests: 0, cached_responses: 0, scored_items: 0, error: null };
  const fingerprint = {
    dataset_sha256: loaded.files.length > 0 ? hashFiles(loaded.files) : null,
    prompt_template_sha256: '',
    generation: {} as Record<string, unknown>,
    model: options.target.model,
  };
  // Checked before any request: without a judge, a judge-scored benchmark's answers could not be scored.
  if (benchmark.judgePrompt && !options.judge) throw new UsageError(`${benchmark.name} is scored by a judge model, and none was given: pass --judge-url (or, in the library, RunOptions.judge)`);
  if (benchmark.executesCode && !options.allowCodeExecution) {
    options.log(`${benchmark.name}: refused: ${CODE_EXECUTION_REFUSAL}`);
    return { result: { ...base, metric: benchmark.metric, score: null, stderr: null, mode: 'generate', notes, refused: CODE_EXECUTION_REFUSAL, fingerprint }, perf: null };
  }
  let mode: EvalMode = options.mode;
  if (mode === 'loglikelihood' && !benchmark.buildChoices) {
    notes.push('this benchmark has no multiple-choice form: it ran in generate mode');
    mode = 'generate';
  }
  const attempt = mode === 'loglikelihood' ? await runLoglikelihood(p, ctx, options, capability) : null;
  const llRun = typeof attempt === 'string' ? null : attempt;
  if (typeof attempt === 'string') {
    const message = `${attempt}: fell back to generate mode`;
    options.log(`${benchmark.name}: ${message}`);
    notes.push(message);
    mode = 'generate';
  }
  const run: ModeRun = llRun ?? (await runGenerate(p, ctx, options));
  notes.push(...(loaded.modeNotes?.[mode] ?? []));
  const metric = mode === 'loglikelihood' ? (benchmark.llMetric ?? 'acc') : generateMetric(benchmark, scoreContext(options));
  const agg = aggregateSamples(benchmark, metric, run.samples, options.seed, mode);
  fingerprint.prompt_template_sha256 = sha256(JSON.stringify(run.prompts));
  fingerprint.generation = { ...run.generation, few_shot: ctx.fewShot, seed: options.seed, ...(mode === 'generate' && options.rougeTokenizer === 'cjk' ? { rouge_tokenizer: 'cjk' } : {}), ...(run.judge ? { judge_model: run.judge.model } : {}) };
  const failedRequests = run.executed.results.filter((r) => !r.ok).length;
  const cached = run.executed.results.filter((r) => r.cached).length;
  if (failedRequests > 0) notes.push(`${failedRequests} request(s) failed and were scored as wrong; see the review file`);
  if (run.judge && run.judge.unparseable > 0) notes.push(`${run.judge.unparseable} judge verdict(s) could not be parsed: counted in unparseable_rate, neither as refusals nor as attack successes; see the review file`);
  if (run.judge && run.judge.failed > 0) notes.push(`${run.judge.failed} judge request(s) failed: counted in judge_error_rate; see the review file`);
  if (cached > 0) notes.push(`${cached} of ${run.executed.results.length} answer(s) came from the response cache, not from the server (--no-cache to ask again)`);
  const error = run.scored === 0 && run.samples.length > 0 ? `no item was scored: every request failed (${run.executed.results.find((r) => !r.ok)?.error ?? 'no response'})` : null;
  const result: BenchmarkResult = {
    metric, score: error ? null : agg.score, stderr: error ? null : agg.stderr, n: agg.n, mode, subsets: agg.subsets, categories: agg.categories, metrics: agg.metrics, metrics_stderr: agg.metrics_stderr,
    failed_requests: failedRequests, cached_responses: cached, scored_items: run.scored, error, notes, refused: null, fingerprint,
    ...(run.judge ? { judge: run.judge } : {}),
  };
  return { result, perf: run.executed.perf };
}

/** Runs every benchmark in order and assembles eval.json. */
export async function runEval(prepared: readonly Prepared[], options: RunOptions): Promise<EvalDocument> {
  const started = new Date();
  const doc: EvalDocument = { schema: EVAL_SCHEMA, started_at: started.toISOString(), ended_at: '', simulated: options.simulated, model: options.target.model, url: redactUrl(options.target.baseUrl), warnings: [...(options.warnings ?? [])], benchmarks: {}, perf: {} };
  const capability: Capability = { loglikelihood: undefined };
  for (const p of prepared) {
    options.log(`${p.benchmark.name}: ${p.loaded.items.length} item(s), mode ${options.mode}`);
    const { result, perf } = await runBenchmark(p, options, capability);
    doc.benchmarks[p.benchmark.name] = result;
    doc.perf[p.benchmark.name] = perf && options.simulated ? { ...perf, simulated: true } : perf;
  }
  doc.ended_at = new Date().toISOString();
  return doc;
}
