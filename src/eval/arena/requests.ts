// Sends the arena's requests (answers, judgments) through the shared engine, serving repeats from the on-disk cache.
import { runJobs, type Job, type Target } from '../../engine/jobs.js';
import type { ResultDocument } from '../../metrics/schema.js';
import { NoCache, ResponseCache } from '../cache.js';
import type { Reply } from './battles.js';
import type { GenerationSettings } from './config.js';

/** A resolved candidate or judge. */
export interface Endpoint {
  name: string;
  target: Target;
  /** Set for built-in simulators, so the perf summary says it measured a test double. */
  simulated: boolean;
  /** Mixed into cache keys: a changed simulator setting must not be served stale replies. */
  cacheSalt: string;
}

/** What one endpoint's share of the run cost, kept in arena.json under `perf`. */
export interface EndpointPerf {
  name: string;
  model: string;
  simulated: boolean;
  requests: number;
  sent: number;
  cached: number;
  failed: number;
  /** The engine's result document for the requests actually sent (null when all came from the cache). */
  result: ResultDocument | null;
}

/** A conversation so far, for a second turn: the user's first question, the model's own answer, the next question. */
export type ChatHistory = ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>;

export function chatJob(prompt: string | ChatHistory, settings: GenerationSettings): Job {
  const messages = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt.map((m) => ({ ...m }));
  return { api: 'chat', body: { messages, max_tokens: settings.maxTokens, temperature: settings.temperature } };
}

export function openCache(dir: string | null, salt: string): ResponseCache {
  return dir === null ? new NoCache() : new ResponseCache(dir, salt);
}

/**
 * Runs `prompts` against one endpoint. Cached replies are not sent again; each successful reply is
 * cached as soon as it arrives (not at the end), so an interrupted arena resumes where it stopped.
 * Failed requests are never cached: a rerun retries them.
 */
export async function askAll(endpoint: Endpoint, prompts: ReadonlyArray<string | ChatHistory>, settings: GenerationSettings, options: { concurrency: number; timeoutMs: number; cacheDir: string | null; log?: (line: string) => void; what?: string }): Promise<{ replies: Reply[]; perf: EndpointPerf }> {
  const cache = openCache(options.cacheDir, endpoint.cacheSalt);
  const jobs = prompts.map((prompt) => chatJob(prompt, settings));
  const keys = jobs.map((job) => cache.key(endpoint.target.model, job));
  const replies: (Reply | undefined)[] = keys.map((key) => {
    const hit = cache.get(key);
    return hit ? { ok: true, text: hit.text, error: null } : undefined;
  });
  const missing = replies.flatMap((reply, i) => (reply === undefined ? [i] : []));
  let result: ResultDocument | null = null;
  let failed = 0;
  if (missing.length > 0) {
    // A progress line at every 10% (at most ten lines), so a long arena shows it is moving.
    let done = 0;
    const step = Math.max(1, Math.ceil(missing.length / 10));
    const run = await runJobs(endpoint.target, missing.map((i) => jobs[i]!), {
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      onOutcome: (outcome) => {
        if (outcome.ok) cache.put(keys[missing[outcome.index]!]!, { text: outcome.text, reasoning: outcome.reasoning, response: null, usage: outcome.usage });
        done++;
        if (options.log && (done % step === 0 || done === missing.length)) options.log(`arena: ${endpoint.name}: ${options.what ?? 'replies'} ${done}/${missing.length}`);
      },
    });
    result = run.result;
    run.outcomes.forEach((outcome, j) => {
      const i = missing[j]!;
      if (!outcome) {
        failed++;
        replies[i] = { ok: false, text: '', error: 'not sent (run interrupted)' };
      } else {
        if (!outcome.ok) failed++;
        replies[i] = outcome.ok ? { ok: true, text: outcome.text, error: null } : { ok: false, text: '', error: `${outcome.errorKind ?? 'error'}: ${outcome.errorMessage ?? `HTTP ${outcome.status}`}` };
      }
    });
  }
  return {
    replies: replies.map((reply) => reply ?? { ok: false, text: '', error: 'not sent' }),
    perf: {
      name: endpoint.name, model: endpoint.target.model, simulated: endpoint.simulated,
      requests: prompts.length, sent: missing.length, cached: prompts.length - missing.length, failed, result,
    },
  };
}
