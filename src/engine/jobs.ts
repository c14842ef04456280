// Runs a fixed list of request bodies through the load engine and returns each response's text (eval, arena).
import type { ResultDocument } from '../metrics/schema.js';
import type { Prompt } from '../workload/prompts.js';
import { Recorder } from './recorder.js';
import { LoadRun, type LoadConfig, type RunOutcome } from './run.js';
import { buildResult } from './result.js';
import type { RequestState } from './stream.js';
import type { Target } from './target.js';

export { resolveTarget, type Target } from './target.js';

export interface Job {
  api: 'chat' | 'completions';
  /** OpenAI request body without model and stream (model comes from the target). */
  body: Record<string, unknown>;
  /** Default true. */
  stream?: boolean;
}

export interface JobOutcome {
  index: number;
  ok: boolean;
  status: number;
  errorKind: string | null;
  errorMessage: string | null;
  text: string;
  reasoning: string;
  /** Parsed JSON body for non-streaming jobs (logprobs live there); null when streaming. */
  response: unknown;
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  ttftMs: number | null;
  latencyMs: number | null;
  /** The server's id for the request (x-request-id, else the response id), to join with server logs. */
  requestId: string | null;
}

const EMPTY_PROMPT: Prompt = { messages: [], text: '', inputTokensEstimate: 0 };

/**
 * Jobs keep every response's text, so each response is capped. 16 MiB of SSE is some 70,000 streamed
 * tokens at ~230 bytes per chunk, far past any answer's max_tokens; eight endless streams in flight
 * peak near 215 MB RSS (test/eval/bounded-requests.test.ts measures it).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** The jobs' per-request time limit when neither the caller nor the target sets one (reasoning models can think for minutes). */
export const DEFAULT_JOB_TIMEOUT_MS = 600_000;

/**
 * Sends every job once at `concurrency`, through the same client, recorder and scheduler as a load
 * test, so the caller also gets a normal result document of the jobs' serving performance.
 * Jobs are grouped by (api, stream) since one run serves one endpoint; groups run one after another,
 * and the returned result is the last group's (evals use one group per benchmark mode).
 */
export async function runJobs(
  target: Target,
  jobs: Job[],
  options: { concurrency: number; onOutcome?: (outcome: JobOutcome) => void; timeoutMs?: number; maxResponseBytes?: number },
): Promise<{ outcomes: JobOutcome[]; result: ResultDocument }> {
  const outcomes = new Array<JobOutcome>(jobs.length);
  const groups = new Map<string, number[]>();
  jobs.forEach((job, index) => {
    const key = `${job.api}:${job.stream !== false}`;
    const list = groups.get(key) ?? groups.set(key, []).get(key)!;
    list.push(index);
  });
  const startedAt = new Date();
  let lastResult: ResultDocument | null = null;
  for (const [key, indexes] of groups) {
    const [api, streamFlag] = key.split(':') as ['chat' | 'completions', string];
    const stream = streamFlag === 'true';
    const config: LoadConfig = {
      target,
      api,
      stream,
      concurrency: Math.max(1, Math.min(options.concurrency, indexes.length)),
      requests: indexes.length,
      durationMs: null,
      ratePerS: null,
      prompts: indexes.map(() => EMPTY_PROMPT),
      outputTokens: null,
      extraBody: {},
      timeoutMs: options.timeoutMs ?? target.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
      idleTimeoutMs: options.timeoutMs ?? target.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
      seed: 0,
      warmupRequests: 0,
      rejectUnauthorized: true,
      keepText: true,
      maxResponseBytes: options.maxResponseBytes ?? target.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    };
    config.bodies = indexes.map((index) => JSON.stringify({ model: target.model, ...jobs[index].body, ...streamFields(stream) }));
    const run = new LoadRun(config, {
      onRecord: (record, state) => {
        const outcome = toOutcome(indexes[record.index], state);
        outcomes[outcome.index] = outcome;
        options.onOutcome?.(outcome);
      },
    });
    const outcome = await run.run();
    lastResult = buildResult(config, outcome, { startedAt, endedAt: new Date(), simulated: false });
  }
  return { outcomes, result: lastResult ?? emptyResult(target) };
}

function streamFields(stream: boolean): Record<string, unknown> {
  return stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false };
}

function toOutcome(index: number, state: RequestState): JobOutcome {
  const usage =
    state.promptTokens >= 0 || state.completionTokens >= 0
      ? { prompt_tokens: Math.max(0, state.promptTokens), completion_tokens: Math.max(0, state.completionTokens) }
      : null;
  return {
    index,
    ok: state.errorKind === null,
    status: state.status,
    errorKind: state.errorKind,
    errorMessage: state.errorMessage,
    text: state.contentPieces?.join('') ?? '',
    reasoning: state.reasoningPieces?.join('') ?? '',
    response: state.responseJson,
    usage,
    ttftMs: Number.isNaN(state.firstPackageMs) ? null : state.firstPackageMs - state.sendMs,
    latencyMs: Number.isNaN(state.endMs) ? null : state.endMs - state.sendMs,
    requestId: state.serverRequestId,
  };
}

function emptyResult(target: Target): ResultDocument {
  const config: LoadConfig = {
    target, api: 'chat', stream: true, concurrency: 1, requests: 0, durationMs: null, ratePerS: null, prompts: [EMPTY_PROMPT],
    outputTokens: null, extraBody: {}, timeoutMs: 0, idleTimeoutMs: 0, seed: 0, warmupRequests: 0, rejectUnauthorized: true,
  };
  const now = new Date();
  const outcome: RunOutcome = {
    ...new Recorder(0, 1).snapshot(), interrupted: false, scheduleLagUs: null, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
  };
  return buildResult(config, outcome, { startedAt: now, endedAt: now, simulated: false });
}
