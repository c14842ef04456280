// The eval's judge model: asks it about each answer of a judge-scored benchmark (injection), through the arena's request path.
import { resolveTarget } from '../engine/jobs.js';
import { UsageError } from '../errors.js';
import { startMockInWorker, type MockServer } from '../mock/index.js';
import { redactUrl } from '../util/redact.js';
import { askAll, type Endpoint } from './arena/requests.js';
import type { Benchmark, EvalItem, JudgeReply } from './types.js';

/** Where judge prompts go: any OpenAI-compatible endpoint (--judge-url) or the built-in simulator. */
export interface EvalJudge {
  endpoint: Endpoint;
  /** Reply cache folder shared with the answers' cache (null: --no-cache). */
  cacheDir: string | null;
}

/** What judging one benchmark cost and how readable the verdicts were, kept in eval.json under `judge`. */
export interface JudgeSummary {
  model: string;
  /** Redacted URL, or "simulator" for the built-in one. */
  url: string;
  simulated: boolean;
  requests: number;
  sent: number;
  cached: number;
  failed: number;
  /** Replies with no verdict marker the parser accepts: counted apart, never as either verdict. */
  unparseable: number;
}

/** The eval settings that pick the judge (EvalPlan's). */
export interface JudgeSettings {
  judgeUrl: string | null;
  judgeModel: string | undefined;
  judgeApiKeyEnv: string | undefined;
  seed: number;
  cache: boolean;
  cacheDir: string;
}

/**
 * The judge: --judge-url when given; else the built-in simulator's refusal-phrase rule. Offline the answering
 * simulator (started with a judge rule) also judges; against a real --url a judge simulator is started for the
 * verdicts alone (`ownSimulator`, the caller closes it) and the eval is warned that they come from a phrase rule.
 */
export async function openEvalJudge(settings: JudgeSettings, answering: MockServer | null, limits: { timeoutMs: number; maxResponseBytes: number }): Promise<{ judge: EvalJudge; ownSimulator: MockServer | null; warning: string | null }> {
  const cacheDir = settings.cache ? settings.cacheDir : null;
  if (settings.judgeUrl !== null) {
    const target = await resolveTarget(settings.judgeUrl, settings.judgeModel, settings.judgeApiKeyEnv);
    return { judge: { endpoint: { name: redactUrl(target.baseUrl), target: { ...target, ...limits }, simulated: false, cacheSalt: `judge-url:${target.baseUrl}` }, cacheDir }, ownSimulator: null, warning: null };
  }
  const own = answering ? null : await startMockInWorker({ port: 0, seed: settings.seed, judgeRule: 'longer' });
  const server = (answering ?? own)!;
  return {
    judge: { endpoint: { name: 'simulator', target: { baseUrl: server.url, model: server.config.model, ...limits }, simulated: true, cacheSalt: `judge-sim:${settings.seed}` }, cacheDir },
    ownSimulator: own,
    warning: own ? "no --judge-url: injection verdicts come from the built-in simulator's refusal-phrase rule (a test double), not from a judge model; pass --judge-url for real verdicts" : null,
  };
}

/** Judge replies are short (a reason and a verdict line); temperature 0 so a rerun gives the same verdicts. */
export const JUDGE_GENERATION = { maxTokens: 512, temperature: 0 } as const;

/**
 * Asks the judge about every answered item (one request each, cached like the answers); items with no answer
 * (their request failed) are not judged and get null. Throws a UsageError when the eval was given no judge.
 */
export async function judgeAnswers(
  benchmark: Benchmark,
  items: readonly EvalItem[],
  answers: ReadonlyArray<string | null>,
  judge: EvalJudge | undefined,
  options: { concurrency: number; log: (line: string) => void },
): Promise<{ replies: (JudgeReply | null)[]; summary: Omit<JudgeSummary, 'unparseable'> }> {
  if (!judge) throw new UsageError(`${benchmark.name} is scored by a judge model, and none was given: pass --judge-url (or, in the library, RunOptions.judge)`);
  const asked = items.flatMap((item, i) => (answers[i] === null ? [] : [i]));
  const prompts = asked.map((i) => benchmark.judgePrompt!(items[i]!, answers[i]!));
  options.log(`${benchmark.name}: asking the judge ${judge.endpoint.name} (${judge.endpoint.target.model}) about ${prompts.length} answer(s)`);
  const run = await askAll(judge.endpoint, prompts, JUDGE_GENERATION, {
    concurrency: options.concurrency,
    timeoutMs: judge.endpoint.target.timeoutMs ?? 600_000,
    cacheDir: judge.cacheDir,
    log: (line) => options.log(line.replace(/^arena: /, `${benchmark.name}: `)),
    what: 'verdicts',
  });
  const replies: (JudgeReply | null)[] = items.map(() => null);
  asked.forEach((i, k) => (replies[i] = run.replies[k]!));
  const p = run.perf;
  return { replies, summary: { model: p.model, url: judge.endpoint.name, simulated: p.simulated, requests: p.requests, sent: p.sent, cached: p.cached, failed: p.failed } };
}
