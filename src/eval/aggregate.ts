// Per-sample values -> benchmark score, per-subset and per-category scores, extra metrics, all with standard errors.
import { meanWithStderr, macroAverage, weightedAverage, type ScoreWithError } from './metrics/accuracy.js';
import { bootstrap } from './metrics/bootstrap.js';
import type { Benchmark, EvalItem, EvalMode, SampleScore } from './types.js';

export interface SubsetScore {
  name: string;
  score: number;
  stderr: number;
  n: number;
}

export interface ScoredSample {
  item: EvalItem;
  score: SampleScore;
  texts: string[];
}

export interface Aggregated {
  score: number;
  stderr: number;
  n: number;
  subsets: SubsetScore[];
  categories: SubsetScore[];
  metrics: Record<string, number>;
  /** Standard errors of the extra metrics (bootstrap for corpus-level ones). */
  metrics_stderr: Record<string, number>;
}

function groupBy(samples: readonly ScoredSample[], key: (s: ScoredSample) => string | undefined): Map<string, ScoredSample[]> {
  const groups = new Map<string, ScoredSample[]>();
  for (const s of samples) {
    const k = key(s);
    if (k === undefined) continue;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(s);
  }
  return groups;
}

const toSubset = (name: string, r: ScoreWithError): SubsetScore => ({ name, score: r.score, stderr: r.stderr, n: r.n });

/**
 * The headline score is the mean of per-sample primary values over every item: for accuracy that is the
 * weighted (by subset size) average MMLU reports, with lm-eval's pooled group standard error. When
 * `aggregate` returns the primary metric itself (corpus perplexity), that definition is used for the
 * headline AND every subset and category row (and so macro_average), each with a seeded bootstrap stderr:
 * one definition everywhere, never a mean of per-item perplexities next to a corpus one.
 */
export function aggregateSamples(benchmark: Benchmark, primary: string, samples: readonly ScoredSample[], seed: number, mode: EvalMode): Aggregated {
  const corpusPrimary = benchmark.aggregate && samples.length > 0 && primary in benchmark.aggregate(samples.slice(0, 1), mode);
  const corpus = (list: readonly ScoredSample[]): number => benchmark.aggregate!(list, mode)[primary] ?? 0;
  const rowScore = (name: string, list: ScoredSample[]): SubsetScore => {
    if (!corpusPrimary) return toSubset(name, meanWithStderr(list.map((s) => s.score.value)));
    const interval = bootstrap(list.length, (idx) => corpus(idx.map((i) => list[i]!)), { seed, resamples: 200 });
    return { name, score: corpus(list), stderr: interval.stderr, n: list.length };
  };
  const subsets = [...groupBy(samples, (s) => s.item.subset)].map(([name, list]) => rowScore(name, list));
  // A category is a group of subsets (lm-eval's mmlu_stem...): its score pools them, its stderr is the pooled group formula.
  const categoryRow = (name: string, list: ScoredSample[]): SubsetScore => {
    if (corpusPrimary) return rowScore(name, list);
    const parts = [...groupBy(list, (s) => s.item.subset)].map(([, inner]) => meanWithStderr(inner.map((s) => s.score.value)));
    return toSubset(name, weightedAverage(parts));
  };
  const categories = [...groupBy(samples, (s) => s.item.category)].map(([name, list]) => categoryRow(name, list));
  const overall = weightedAverage(subsets.map((s) => ({ score: s.score, stderr: s.stderr, n: s.n })));
  const metrics: Record<string, number> = {};
  const metricsStderr: Record<string, number> = {};
  const names = new Set(samples.flatMap((s) => Object.keys(s.score.values ?? {})));
  for (const name of names) {
    const r = meanWithStderr(samples.map((s) => s.score.values?.[name] ?? 0));
    metrics[name] = r.score;
    metricsStderr[name] = r.stderr;
  }
  if (subsets.length > 1) metrics.macro_average = macroAverage(subsets);
  let { score, stderr } = overall;
  if (benchmark.aggregate && samples.length > 0) {
    const whole = benchmark.aggregate(samples, mode);
    for (const [name, value] of Object.entries(whole)) {
      metrics[name] = value;
      // A metric over part of the items (a needle cell) can be absent from a resample: that resample is skipped, not scored 0.
      const interval = bootstrap(samples.length, (idx) => benchmark.aggregate!(idx.map((i) => samples[i]!), mode)[name] ?? NaN, { seed, resamples: 200 });
      metricsStderr[name] = interval.stderr;
      if (name === primary) {
        score = value;
        stderr = interval.stderr;
      }
    }
  }
  return { score, stderr, n: samples.length, subsets, categories, metrics, metrics_stderr: metricsStderr };
}
