// Loglikelihood mode: one completions request (echo + logprobs) per choice, after one probe per eval says the server can.
import type { ScoredSample } from './aggregate.js';
import { scoreByLoglikelihood } from './benchmarks/mc.js';
import { executeJobs, type ExecutedJob } from './execute.js';
import { continuationLogprob, loglikelihoodJob, parseLogprobs, serverTokenCount } from './loglikelihood.js';
import { failed, progressFor, shotsFor, withHeadline, type ModeRun, type Prepared } from './mode-run.js';
import type { RunOptions } from './runner.js';
import type { PromptContext } from './types.js';

/** Remembered across benchmarks: one probe decides whether the server can do loglikelihood mode. */
export interface Capability {
  loglikelihood: string | null | undefined;
}

/** An error that names a request parameter the server does not take, whatever the HTTP status (llama.cpp: 500 "Unsupported param: echo"). */
export function rejectsParameter(error: string | null): boolean {
  if (!error) return false;
  return /unsupported|not supported|unrecognized|unknown (?:param|field|argument)|not (?:allowed|permitted|implemented)|extra (?:inputs|fields)/i.test(error) && /echo|logprobs/i.test(error);
}

/** Why a server cannot do loglikelihood mode, from the probe request; null when it can (or may: a transient failure). */
export function loglikelihoodUnsupported(probe: ExecutedJob | undefined): string | null {
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

/**
 * Scores every item by the summed log-probability of each continuation. Returns why the mode cannot run
 * (the caller falls back to generate mode) instead of a run when the probe or the answers say so.
 */
export async function runLoglikelihood(p: Prepared, ctx: PromptContext, options: RunOptions, capability: Capability): Promise<ModeRun | string> {
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
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'loglikelihood', prompt: r.context, response: r.continuations.map((c, k) => ({ continuation: c, logprob: logprobs[k], tokens: counts[k] })), extracted: score.extracted, gold: score.gold, headline, correct: headline === 'perplexity' ? null : value >= 1, value, values: withHeadline(score.values, headline, value), counts: score.counts, error });
  }
  return { samples, executed, scored, prompts: requests.map((r) => [r.context, r.continuations]), generation: { echo: true, logprobs: 1, max_tokens: 1, temperature: 0 } };
}

