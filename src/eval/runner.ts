// The eval pipeline: items -> prompts -> jobs (cached) -> responses -> extraction -> scores -> eval.json and review file.
import { availableParallelism } from 'node:os';
import type { Job, Target } from '../engine/jobs.js';
import type { ResultDocument } from '../metrics/schema.js';
import { redactUrl } from '../util/redact.js';
import { aggregateSamples, type ScoredSample, type SubsetScore } from './aggregate.js';
import type { ResponseCache } from './cache.js';
import { hashFiles, sha256 } from './data.js';
import { executeJobs, type ExecutedJob } from './execute.js';
import { continuationLogprob, loglikelihoodJob, parseLogprobs, serverTokenCount } from './loglikelihood.js';
import { scoreByLoglikelihood } from './benchmarks/mc.js';
import { CODE_EXECUTION_REFUSAL } from './sandbox.js';
import type { Benchmark, EvalItem, EvalMode, LoadedBenchmark, PromptContext, SampleScore } from './types.js';

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
  notes: string[];
  /** Set when the benchmark did not run (e.g. code execution not allowed). */
  refused: string | null;
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
  /** null where there is no right or wrong (perplexity). */
  correct: boolean | null;
  value: number;
  values?: Record<string, number>;
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
  cache: ResponseCache;
  simulated: boolean;
  log: (line: string) => void;
  /** Called as answers arrive (cached ones counted at once); the CLI prints it every few seconds. */
  onProgress?: (benchmark: string, answered: number, total: number) => void;
  onReview?: (record: ReviewRecord) => void;
}

/** Why a server cannot do loglikelihood mode, from the probe request; null when it can (or may: a transient failure). */
function loglikelihoodUnsupported(probe: ExecutedJob | undefined): string | null {
  if (!probe) return null;
  if (probe.ok) return parseLogprobs(probe.response) === null ? 'the server returned no prompt log-probabilities (completions with echo + logprobs)' : null;
  // A client error (not rate limiting) means the server refuses the request itself, e.g. echo with logprobs.
  if (probe.status >= 400 && probe.status < 500 && probe.status !== 429) return `the server rejected completions with echo + logprobs (${probe.error ?? `HTTP ${probe.status}`})`;
  return null;
}

interface ModeRun {
  samples: ScoredSample[];
  executed: Awaited<ReturnType<typeof executeJobs>>;
  prompts: unknown[];
  generation: Record<string, unknown>;
}

interface Prepared {
  benchmark: Benchmark;
  loaded: LoadedBenchmark;
}

function shotsFor(benchmark: Benchmark, item: EvalItem, pool: readonly EvalItem[], k: number): EvalItem[] {
  if (k <= 0) return [];
  return benchmark.pickShots ? benchmark.pickShots(item, pool, k) : pool.slice(0, k);
}

const failed = (gold: string): SampleScore => ({ value: 0, extracted: null, gold });

/** Maps with at most `limit` calls pending at once; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function runGenerate(p: Prepared, ctx: PromptContext, options: RunOptions): Promise<ModeRun> {
  const { benchmark, loaded } = p;
  const requests = loaded.items.map((item) => benchmark.buildGenerate(item, shotsFor(benchmark, item, loaded.shots, ctx.fewShot), ctx));
  const jobs: Job[] = [];
  const owner: number[] = [];
  requests.forEach((r, i) => {
    for (let s = 0; s < (r.samples ?? 1); s++) {
      // The sample index goes into the body only when sampling several answers, so each has its own cache entry.
      const body: Record<string, unknown> = { messages: r.messages, max_tokens: options.maxTokens ?? r.maxTokens, temperature: r.temperature };
      if ((r.samples ?? 1) > 1) body.seed = options.seed + s;
      jobs.push({ api: 'chat', body, stream: true });
      owner.push(i);
    }
  });
  const executed = await executeJobs(options.target, jobs, options.cache, options.concurrency, (a, t) => options.onProgress?.(benchmark.name, a, t));
  const byItem: Array<typeof executed.results> = loaded.items.map(() => []);
  executed.results.forEach((r, j) => byItem[owner[j]!]!.push(r));
  // Reasoning arrives separately (reasoning_content) and is never part of the text answers are read from.
  const scoreCtx = { seed: options.seed, allowCodeExecution: options.allowCodeExecution, codeTimeoutMs: options.codeTimeoutMs };
  // Scoring may run programs (HumanEval): a few at a time, one per core at most.
  const scores = await mapLimit(loaded.items, Math.max(1, Math.min(4, availableParallelism())), (item, i) => benchmark.scoreGenerate(item, byItem[i]!.map((r) => r.text), scoreCtx));
  const samples: ScoredSample[] = [];
  for (let i = 0; i < loaded.items.length; i++) {
    const item = loaded.items[i]!;
    const mine = byItem[i]!;
    const errors = mine.filter((r) => !r.ok).map((r) => r.error);
    const texts = mine.map((r) => r.text);
    const score = scores[i]!;
    const final = errors.length === mine.length ? { ...failed(score.gold), values: score.values } : score;
    samples.push({ item, score: final, texts });
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'generate', prompt: requests[i]!.messages, response: mine.length === 1 ? { text: mine[0]!.text, reasoning: mine[0]!.reasoning || undefined } : mine.map((r) => r.text), extracted: final.extracted, gold: final.gold, correct: final.value >= 1, value: final.value, values: final.values, error: errors[0] ?? null });
  }
  return { samples, executed, prompts: requests.map((r) => r.messages), generation: { temperature: requests[0]?.temperature ?? 0, max_tokens: options.maxTokens ?? requests[0]?.maxTokens ?? 0, samples: ctx.samples } };
}

async function runLoglikelihood(p: Prepared, ctx: PromptContext, options: RunOptions): Promise<ModeRun | string> {
  const { benchmark, loaded } = p;
  const requests = loaded.items.map((item) => benchmark.buildChoices!(item, shotsFor(benchmark, item, loaded.shots, ctx.fewShot), ctx));
  const jobs = requests.flatMap((r) => r.continuations.map((c) => loglikelihoodJob(r.context, c)));
  // Probe with one request first, so a server without prompt log-probabilities costs one request, not all.
  const probe = await executeJobs(options.target, jobs.slice(0, 1), options.cache, 1);
  const refusal = loglikelihoodUnsupported(probe.results[0]);
  if (refusal) return refusal;
  const executed = await executeJobs(options.target, jobs, options.cache, options.concurrency, (a, t) => options.onProgress?.(benchmark.name, a, t));
  const firstOk = executed.results.find((r) => r.ok);
  if (!firstOk) return `every loglikelihood request failed (${executed.results[0]?.error ?? 'no response'})`;
  if (parseLogprobs(firstOk.response) === null) return 'the server returned no prompt log-probabilities (completions with echo + logprobs)';
  const tokenCounts = new Map<string, number | null>();
  const samples: ScoredSample[] = [];
  let cursor = 0;
  for (let i = 0; i < loaded.items.length; i++) {
    const item = loaded.items[i]!;
    const r = requests[i]!;
    const logprobs: number[] = [];
    const counts: number[] = [];
    let error: string | null = null;
    for (const continuation of r.continuations) {
      const result = executed.results[cursor++]!;
      const parsed = result.ok ? parseLogprobs(result.response) : null;
      const prompt = r.context + continuation;
      let scored = parsed ? continuationLogprob(parsed, prompt, r.context.length) : null;
      if (parsed && !scored) {
        if (!tokenCounts.has(r.context)) tokenCounts.set(r.context, await serverTokenCount(options.target, r.context));
        const count = tokenCounts.get(r.context);
        if (count !== null && count !== undefined) scored = continuationLogprob(parsed, prompt, r.context.length, count);
      }
      if (!scored) error ??= result.error ?? 'no prompt log-probabilities for this continuation';
      logprobs.push(scored ? scored.logprob : Number.NEGATIVE_INFINITY);
      counts.push(scored ? scored.tokens : 0);
    }
    const score = error ? failed(r.continuations[r.gold]?.trim() ?? '') : benchmark.scoreChoices ? benchmark.scoreChoices(item, logprobs, r, counts) : scoreByLoglikelihood(r, logprobs);
    samples.push({ item, score, texts: [] });
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'loglikelihood', prompt: r.context, response: r.continuations.map((c, k) => ({ continuation: c, logprob: logprobs[k], tokens: counts[k] })), extracted: score.extracted, gold: score.gold, correct: benchmark.llMetric === 'perplexity' ? null : score.value >= 1, value: score.value, values: score.values, error });
  }
  return { samples, executed, prompts: requests.map((r) => [r.context, r.continuations]), generation: { echo: true, logprobs: 1, max_tokens: 1, temperature: 0 } };
}

/** Runs one benchmark over its loaded items and returns its eval.json entry and perf document. */
export async function runBenchmark(p: Prepared, options: RunOptions): Promise<{ result: BenchmarkResult; perf: ResultDocument | null }> {
  const { benchmark, loaded } = p;
  const ctx: PromptContext = { fewShot: options.fewShot ?? benchmark.defaultFewShot, seed: options.seed, samples: benchmark.executesCode ? options.samples : 1 };
  const notes = [...loaded.notes];
  const base = { n: 0, subsets: [], categories: [], metrics: {}, metrics_stderr: {}, failed_requests: 0, cached_responses: 0 };
  const fingerprint = {
    dataset_sha256: loaded.files.length > 0 ? hashFiles(loaded.files) : null,
    prompt_template_sha256: '',
    generation: {} as Record<string, unknown>,
    model: options.target.model,
  };
  if (benchmark.executesCode && !options.allowCodeExecution) {
    options.log(`${benchmark.name}: refused: ${CODE_EXECUTION_REFUSAL}`);
    return { result: { ...base, metric: benchmark.metric, score: null, stderr: null, mode: 'generate', notes, refused: CODE_EXECUTION_REFUSAL, fingerprint }, perf: null };
  }
  let mode: EvalMode = options.mode;
  if (mode === 'loglikelihood' && !benchmark.buildChoices) {
    notes.push('this benchmark has no multiple-choice form: it ran in generate mode');
    mode = 'generate';
  }
  const attempt = mode === 'loglikelihood' ? await runLoglikelihood(p, ctx, options) : null;
  const llRun = typeof attempt === 'string' ? null : attempt;
  if (typeof attempt === 'string') {
    const message = `${attempt}: fell back to generate mode`;
    options.log(`${benchmark.name}: ${message}`);
    notes.push(message);
    mode = 'generate';
  }
  const run: ModeRun = llRun ?? (await runGenerate(p, ctx, options));
  const metric = mode === 'loglikelihood' ? (benchmark.llMetric ?? 'acc') : benchmark.metric;
  // In loglikelihood mode the headline is acc or acc_norm; both are kept in `metrics`.
  const samples = mode === 'loglikelihood' ? run.samples.map((s) => ({ ...s, score: { ...s.score, value: s.score.values?.[metric] ?? s.score.value } })) : run.samples;
  const agg = aggregateSamples(benchmark, metric, samples, options.seed, mode);
  fingerprint.prompt_template_sha256 = sha256(JSON.stringify(run.prompts));
  fingerprint.generation = { ...run.generation, few_shot: ctx.fewShot, seed: options.seed };
  const failedRequests = run.executed.results.filter((r) => !r.ok).length;
  if (failedRequests > 0) notes.push(`${failedRequests} request(s) failed and were scored as wrong; see the review file`);
  const result: BenchmarkResult = {
    metric, score: agg.score, stderr: agg.stderr, n: agg.n, mode, subsets: agg.subsets, categories: agg.categories, metrics: agg.metrics, metrics_stderr: agg.metrics_stderr,
    failed_requests: failedRequests, cached_responses: run.executed.results.filter((r) => r.cached).length, notes, refused: null, fingerprint,
  };
  return { result, perf: run.executed.perf };
}

/** Runs every benchmark in order and assembles eval.json. */
export async function runEval(prepared: readonly Prepared[], options: RunOptions): Promise<EvalDocument> {
  const started = new Date();
  const doc: EvalDocument = { schema: EVAL_SCHEMA, started_at: started.toISOString(), ended_at: '', simulated: options.simulated, model: options.target.model, url: redactUrl(options.target.baseUrl), benchmarks: {}, perf: {} };
  for (const p of prepared) {
    options.log(`${p.benchmark.name}: ${p.loaded.items.length} item(s), mode ${options.mode}`);
    const { result, perf } = await runBenchmark(p, options);
    doc.benchmarks[p.benchmark.name] = result;
    doc.perf[p.benchmark.name] = perf && options.simulated ? { ...perf, simulated: true } : perf;
  }
  doc.ended_at = new Date().toISOString();
  return doc;
}
