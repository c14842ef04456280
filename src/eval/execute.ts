// Sends jobs through the load engine with the response cache in front, so cached answers cost no request.
import { runJobs, type Job, type JobOutcome, type Target } from '../engine/jobs.js';
import type { ResultDocument } from '../metrics/schema.js';
import type { CachedResponse, ResponseCache } from './cache.js';

export interface ExecutedJob {
  ok: boolean;
  /** HTTP status (200 for cached answers, 0 when no response arrived). */
  status: number;
  cached: boolean;
  text: string;
  reasoning: string;
  response: unknown;
  error: string | null;
}

export interface ExecuteResult {
  results: ExecutedJob[];
  /** The serving performance of the requests actually sent; null when every answer came from the cache. */
  perf: ResultDocument | null;
  sent: number;
}

function fromCache(hit: CachedResponse): ExecutedJob {
  return { ok: true, status: 200, cached: true, text: hit.text, reasoning: hit.reasoning, response: hit.response, error: null };
}

function fromOutcome(outcome: JobOutcome | undefined): ExecutedJob {
  if (!outcome) return { ok: false, status: 0, cached: false, text: '', reasoning: '', response: null, error: 'no outcome' };
  const error = outcome.ok ? null : `${outcome.errorKind ?? 'error'}${outcome.status ? ` (HTTP ${outcome.status})` : ''}: ${outcome.errorMessage ?? ''}`.trim();
  return { ok: outcome.ok, status: outcome.status, cached: false, text: outcome.text, reasoning: outcome.reasoning, response: outcome.response, error };
}

/** Runs the jobs that are not cached, stores each success as soon as it arrives (so an interrupted eval resumes). */
export async function executeJobs(
  target: Target,
  jobs: Job[],
  cache: ResponseCache,
  concurrency: number,
  /** `answered` counts every settled job (failed and cached included); `failed` and `cached` say how many of those. */
  onProgress?: (answered: number, total: number, failed: number, cached: number) => void,
): Promise<ExecuteResult> {
  const keys = jobs.map((job) => cache.key(target.model, job));
  const results: Array<ExecutedJob | null> = keys.map((key) => {
    const hit = cache.get(key);
    return hit ? fromCache(hit) : null;
  });
  const missing = results.flatMap((r, i) => (r === null ? [i] : []));
  const cached = jobs.length - missing.length;
  if (cached > 0) onProgress?.(cached, jobs.length, 0, cached);
  if (missing.length === 0) return { results: results as ExecutedJob[], perf: null, sent: 0 };
  let answered = cached;
  let failed = 0;
  const { outcomes, result } = await runJobs(
    target,
    missing.map((i) => jobs[i]!),
    {
      concurrency,
      onOutcome: (outcome) => {
        if (!outcome.ok) failed++;
        onProgress?.(++answered, jobs.length, failed, cached);
        if (!outcome.ok) return;
        cache.put(keys[missing[outcome.index]!]!, { text: outcome.text, reasoning: outcome.reasoning, response: outcome.response, usage: outcome.usage });
      },
    },
  );
  missing.forEach((jobIndex, k) => {
    results[jobIndex] = fromOutcome(outcomes[k]);
  });
  return { results: results as ExecutedJob[], perf: result, sent: missing.length };
}
