// The eval pipeline: items -> prompts -> jobs (cached) -> responses -> extraction -> scores -> eval.json and review file.
import { availableParallelism } from 'node:os';
import type { Job, Target } from '../engine/jobs.js';
import type { ResultDocument } from '../metrics/schema.js';
import { aggregateSamples, type ScoredSample, type SubsetScore } from './aggregate.js';
import type { ResponseCache } from './cache.js';
import { hashFiles, sha256 } from './data.js';
import { executeJobs, type ExecutedJob } from './execute.js';
import { continuationLogprob, loglikelihoodJob, parseLogprobs, serverTokenCount } from './loglikelihood.js';
import { scoreByLoglikelihood } from './benchmarks/mc.js';
import { CODE_EXECUTION_REFUSAL } from './sandbox.js';
import type { RougeTokenizer } from './metrics/rouge.js';
import type { Benchmark, EvalItem, EvalMode, LoadedBenchmark, PromptContext, SampleScore, ScoreContext } from './types.js';

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
}

/** Where a benchmark's requests stand: `done` = answered + failed; `cached` are answered without a request. */
export interface Progress {
  done: number;
  total: number;
  failed: number;
  cached: number;
}

/** Remembered across benchmarks: one probe decides whether the server can do loglikelihood mode. */
interface Capability {
  loglikelihood: string | null | undefined;
}

/** An error that names a request parameter the server does not take, whatever the HTTP status (llama.cpp: 500 "Unsupported param: echo"). */
export function rejectsParameter(error: string | null): boolean {
  if (!error) return false;
  return /unsupported|not supported|unrecognized|unknown (?:param|field|argument)|not (?:allowed|permitted|implemented)|extra (?:inputs|fields)/i.test(error) && /echo|logprobs/i.test(error);
}

/** Why a server cannot do loglikelihood mode, from the probe request; null when it can (or may: a transient failure). */
function loglikelihoodUnsupported(probe: ExecutedJob | undefined): string | null {
  if (!probe) return null;
  if (probe.ok) return parseLogprobs(probe.response) === null ? 'the server returned no prompt log-probabilities (completions with echo + logprobs)' : null;
  // A client error (not rate limiting), or any status whose message names echo/logprobs as unsupported
  // (llama.cpp answers 500), means the server refuses the request itself: retrying it N times cannot help.
  // 401/403 are about the key, not the request: falling back would only fail again (the benchmark then has no score).
  if (rejectsParameter(probe.error) || probe.status === 501 || (probe.status >= 400 && probe.status < 500 && ![401, 403, 429].includes(probe.status))) {
    return `the server rejected completions with echo + logprobs (${probe.error ?? `HTTP ${probe.status}`})`;
  }
  return null;
}

interface ModeRun {
  samples: ScoredSample[];
  executed: Awaited<ReturnType<typeof executeJobs>>;
  prompts: unknown[];
  generation: Record<string, unknown>;
  /** Items with at least one usable answer. */
  scored: number;
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

/** Progress over `total` jobs of which `offset` (and `offsetFailed`) are already settled, e.g. the probe. */
function progressFor(options: RunOptions, benchmark: string, offset = 0, offsetFailed = 0, offsetCached = 0): (answered: number, total: number, failedCount?: number, cached?: number) => void {
  return (answered, total, failedCount = 0, cached = 0) =>
    options.onProgress?.(benchmark, { done: answered + offset, total: total + offset, failed: failedCount + offsetFailed, cached: cached + offsetCached });
}

function scoreContext(options: RunOptions): ScoreContext {
  return { seed: options.seed, allowCodeExecution: options.allowCodeExecution, codeTimeoutMs: options.codeTimeoutMs, rougeTokenizer: options.rougeTokenizer ?? 'rouge_score' };
}

/** The generate-mode headline (general_qa's depends on the ROUGE tokenizer). */
export function generateMetric(benchmark: Benchmark, ctx: ScoreContext): string {
  return benchmark.generateMetric?.(ctx) ?? benchmark.metric;
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
  const executed = await executeJobs(options.target, jobs, options.cache, options.concurrency, progressFor(options, benchmark.name));
  const byItem: Array<typeof executed.results> = loaded.items.map(() => []);
  executed.results.forEach((r, j) => byItem[owner[j]!]!.push(r));
  // Reasoning arrives separately (reasoning_content) and is never part of the text answers are read from.
  const scoreCtx = scoreContext(options);
  const headline = generateMetric(benchmark, scoreCtx);
  // Scoring may run programs (HumanEval): a few at a time, one per core at most.
  const scores = await mapLimit(loaded.items, Math.max(1, Math.min(4, availableParallelism())), (item, i) => benchmark.scoreGenerate(item, byItem[i]!.map((r) => r.text), scoreCtx));
  const samples: ScoredSample[] = [];
  let scored = 0;
  for (let i = 0; i < loaded.items.length; i++) {
    const item = loaded.items[i]!;
    const mine = byItem[i]!;
    const errors = mine.filter((r) => !r.ok).map((r) => r.error);
    const texts = mine.map((r) => r.text);
    const score = scores[i]!;
    const allFailed = errors.length === mine.length;
    if (!allFailed) scored++;
    const final = allFailed ? { ...failed(score.gold), values: zeroed(score.values) } : score;
    samples.push({ item, score: final, texts });
    const value = final.values?.[headline] ?? final.value;
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'generate', prompt: requests[i]!.messages, response: mine.length === 1 ? { text: mine[0]!.text, reasoning: mine[0]!.reasoning || undefined } : mine.map((r) => r.text), extracted: final.extracted, gold: final.gold, headline, correct: value >= 1, value, values: withHeadline(final.values, headline, value), error: errors[0] ?? null });
  }
  return { samples, executed, scored, prompts: requests.map((r) => r.messages), generation: { temperature: requests[0]?.temperature ?? 0, max_tokens: options.maxTokens ?? requests[0]?.maxTokens ?? 0, samples: ctx.samples } };
}

/** A failed item scores 0 on every metric (never the metric of an empty reply, which may not be 0). */
function zeroed(values: Record<string, number> | undefined): Record<string, number> | undefined {
  return values ? Object.fromEntries(Object.keys(values).map((k) => [k, 0])) : undefined;
}

/** Every metric of the item with the headline's own entry, so the review file always names its value. */
function withHeadline(values: Record<string, number> | undefined, headline: string, value: number): Record<string, number> {
  return { ...(values ?? {}), [headline]: value };
}

async function runLoglikelihood(p: Prepared, ctx: PromptContext, options: RunOptions, capability: Capability): Promise<ModeRun | string> {
  const { benchmark, loaded } = p;
  if (capability.loglikelihood) return capability.loglikelihood;
  const requests = loaded.items.map((item) => benchmark.buildChoices!(item, shotsFor(benchmark, item, loaded.shots, ctx.fewShot), ctx));
  const jobs = requests.flatMap((r) => r.continuations.map((c) => loglikelihoodJob(r.context, c)));
  // Probe with one request first, so a server without prompt log-probabilities costs one request, not all;
  // the answer holds for the rest of the eval (every benchmark falls back without asking again).
  const probe = await executeJobs(options.target, jobs.slice(0, 1), options.cache, 1);
  const first = probe.results[0];
  const refusal = loglikelihoodUnsupported(first);
  if (refusal) {
    capability.loglikelihood = refusal;
    return refusal;
  }
  // The key was refused: stop before the benchmark rather than send every request to be refused too.
  if (first && !first.ok && (first.status === 401 || first.status === 403)) {
    return { samples: loaded.items.map((item, i) => ({ item, score: failed(requests[i]!.continuations[requests[i]!.gold]?.trim() ?? ''), texts: [] })), executed: probe, scored: 0, prompts: requests.map((r) => [r.context, r.continuations]), generation: { echo: true, logprobs: 1, max_tokens: 1, temperature: 0 } };
  }
  const rest = await executeJobs(options.target, jobs.slice(1), options.cache, options.concurrency, progressFor(options, benchmark.name, 1, first && !first.ok ? 1 : 0, first?.cached ? 1 : 0));
  const executed = { ...rest, results: [...probe.results, ...rest.results], sent: probe.sent + rest.sent, perf: rest.perf ?? probe.perf };
  const firstOk = executed.results.find((r) => r.ok);
  if (!firstOk) return `every loglikelihood request failed (${executed.results[0]?.error ?? 'no response'})`;
  if (parseLogprobs(firstOk.response) === null) return 'the server returned no prompt log-probabilities (completions with echo + logprobs)';
  const headline = benchmark.llMetric ?? 'acc';
  const tokenCounts = new Map<string, number | null>();
  const samples: ScoredSample[] = [];
  let scored = 0;
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
      let scoredContinuation = parsed ? continuationLogprob(parsed, prompt, r.context.length) : null;
      if (parsed && !scoredContinuation) {
        if (!tokenCounts.has(r.context)) tokenCounts.set(r.context, await serverTokenCount(options.target, r.context));
        const count = tokenCounts.get(r.context);
        if (count !== null && count !== undefined) scoredContinuation = continuationLogprob(parsed, prompt, r.context.length, count);
      }
      if (!scoredContinuation) error ??= result.error ?? 'no prompt log-probabilities for this continuation';
      logprobs.push(scoredContinuation ? scoredContinuation.logprob : Number.NEGATIVE_INFINITY);
      counts.push(scoredContinuation ? scoredContinuation.tokens : 0);
    }
    if (!error) scored++;
    const raw = error ? failed(r.continuations[r.gold]?.trim() ?? '') : benchmark.scoreChoices ? benchmark.scoreChoices(item, logprobs, r, counts) : scoreByLoglikelihood(r, logprobs);
    // The headline (acc_norm for ARC and HellaSwag) is the item's value everywhere: aggregation and review file.
    const value = raw.values?.[headline] ?? raw.value;
    const score = { ...raw, value };
    samples.push({ item, score, texts: [] });
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'loglikelihood', prompt: r.context, response: r.continuations.map((c, k) => ({ continuation: c, logprob: logprobs[k], tokens: counts[k] })), extracted: score.extracted, gold: score.gold, headline, correct: headline === 'perplexity' ? null : value >= 1, value, values: withHeadline(score.values, headline, value), error });
  }
  return { samples, executed, scored, prompts: requests.map((r) => [r.context, r.continuations]), generation: { echo: true, logprobs: 1, max_tokens: 1, temperature: 0 } };
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
  fingerprint.generation = { ...run.generation, few_shot: ctx.fewShot, seed: options.seed, ...(mode === 'generate' && options.rougeTokenizer === 'cjk' ? { rouge_tokenizer: 'cjk' } : {}) };
  const failedRequests = run.executed.results.filter((r) => !r.ok).length;
  const cached = run.executed.results.filter((r) => r.cached).length;
  if (failedRequests > 0) notes.push(`${failedRequests} request(s) failed and were scored as wrong; see the review file`);
  if (cached > 0) notes.push(`${cached} of ${run.executed.results.length} answer(s) came from the response cache, not from the server (--no-cache to ask again)`);
  const error = run.scored === 0 && run.samples.length > 0 ? `no item was scored: every request failed (${run.executed.results.find((r) => !r.ok)?.error ?? 'no response'})` : null;
  const result: BenchmarkResult = {
    metric, score: error ? null : agg.score, stderr: error ? null : agg.stderr, n: agg.n, mode, subsets: agg.subsets, categories: agg.categories, metrics: agg.metrics, metrics_stderr: agg.metrics_stderr,
    failed_requests: failedRequests, cached_responses: cached, scored_items: run.scored, error, notes, refused: null, fingerprint,
  };
  return { result, perf: run.executed.perf };
}

/** Runs every benchmark in order and assembles eval.json. */
export async function runEval(prepared: readonly Prepared[], options: RunOptions): Promise<EvalDocument> {
  const started = new Date();
  const doc: EvalDocument = { schema: EVAL_SCHEMA, started_at: started.toISOString(), ended_at: '', simulated: options.simulated, model: options.target.model, url: options.target.baseUrl, warnings: [...(options.warnings ?? [])], benchmarks: {}, perf: {} };
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
