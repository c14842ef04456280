// Generate mode: one chat request per item (several for pass@k), the answer read from the reply's text.
import { availableParallelism } from 'node:os';
import type { Job } from '../engine/jobs.js';
import type { ScoredSample } from './aggregate.js';
import { executeJobs } from './execute.js';
import { judgeAnswers, type JudgeSummary } from './judge.js';
import { failed, generateMetric, mapLimit, progressFor, scoreContext, shotsFor, withHeadline, zeroed, type ModeRun, type Prepared } from './mode-run.js';
import type { RunOptions } from './runner.js';
import type { PromptContext } from './types.js';

/** Asks every item by chat, scores each reply (reasoning never read), and writes one review record per item. */
export async function runGenerate(p: Prepared, ctx: PromptContext, options: RunOptions): Promise<ModeRun> {
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
  // Judge-scored benchmarks (injection): the judge reads each item's first successful answer, all at once before scoring.
  const judged = benchmark.judgePrompt
    ? await judgeAnswers(benchmark, loaded.items, byItem.map((rs) => rs.find((r) => r.ok)?.text ?? null), options.judge, { concurrency: options.concurrency, log: options.log })
    : null;
  const scores = await mapLimit(loaded.items, Math.max(1, Math.min(4, availableParallelism())), (item, i) => benchmark.scoreGenerate(item, byItem[i]!.map((r) => r.text), scoreCtx, judged?.replies[i] ?? null));
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
    options.onReview?.({ benchmark: benchmark.name, id: item.id, subset: item.subset, source: item.source, mode: 'generate', prompt: requests[i]!.messages, response: mine.length === 1 ? { text: mine[0]!.text, reasoning: mine[0]!.reasoning || undefined } : mine.map((r) => r.text), extracted: final.extracted, gold: final.gold, headline, correct: value >= 1, value, values: withHeadline(final.values, headline, value), ...(final.judge ? { judge: final.judge } : {}), error: errors[0] ?? null });
  }
  const judge: JudgeSummary | undefined = judged ? { ...judged.summary, unparseable: samples.filter((s) => s.score.judge?.reply != null && s.score.judge.verdict === null).length } : undefined;
  return { samples, executed, scored, judge, prompts: requests.map((r) => r.messages), generation: { temperature: requests[0]?.temperature ?? 0, max_tokens: options.maxTokens ?? requests[0]?.maxTokens ?? 0, samples: ctx.samples } };
}

