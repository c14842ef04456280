// The console score table: one row per benchmark, then its subsets, with standard errors beside every score.
import Table from 'cli-table3';
import type { JudgeSummary } from './judge.js';
import type { EvalDocument } from './runner.js';

function fmt(value: number | null, metric: string): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return /perplexity|bleu|bits_per_byte/.test(metric) ? value.toFixed(2) : value.toFixed(4);
}

/** Renders eval.json as a text table; subsets are listed only when there is more than one. */
export function renderScoreTable(doc: EvalDocument, options: { maxSubsets?: number } = {}): string {
  // No rule between rows: subsets read as a block under their benchmark.
  const table = new Table({
    head: ['benchmark', 'subset', 'mode', 'metric', 'score', '± stderr', 'n'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const maxSubsets = options.maxSubsets ?? 20;
  for (const [name, b] of Object.entries(doc.benchmarks)) {
    if (b.refused) {
      table.push([name, '', b.mode, b.metric, 'refused', '', '0']);
      continue;
    }
    if (b.error) {
      table.push([name, '', b.mode, b.metric, 'no score', '', `0/${b.n}`]);
      continue;
    }
    table.push([name, b.subsets.length > 1 ? 'all (weighted average)' : 'all', b.mode, b.metric, fmt(b.score, b.metric), fmt(b.stderr, b.metric), String(b.n)]);
    const groups = [...b.categories.map((c) => ({ ...c, name: `[${c.name}]` })), ...(b.subsets.length > 1 ? b.subsets : [])];
    for (const s of groups.slice(0, maxSubsets)) table.push(['', s.name, '', '', fmt(s.score, b.metric), fmt(s.stderr, b.metric), String(s.n)]);
    if (groups.length > maxSubsets) table.push(['', `... ${groups.length - maxSubsets} more in eval.json`, '', '', '', '', '']);
    for (const [metric, value] of Object.entries(b.metrics)) {
      if (metric !== b.metric) table.push(['', '', '', metric, fmt(value, metric), fmt(b.metrics_stderr[metric] ?? null, metric), '']);
    }
  }
  return table.toString();
}

/** Who judged a judge-scored benchmark and how readable its verdicts were, in one line (console and HTML). */
export function judgeLine(j: JudgeSummary): string {
  const who = j.simulated ? `the built-in simulator's refusal-phrase rule (${j.model}, a test double)` : `${j.model} at ${j.url}`;
  return `verdicts by ${who}: ${j.requests} asked (${j.sent} sent, ${j.cached} from the cache), ${j.failed} failed, ${j.unparseable} unparseable`;
}
