// The arena's console output: one leaderboard table per mode, the battle accounting, and the cost of the run.
import Table from 'cli-table3';
import type { PeerResult } from './peer.js';
import type { ArenaDocument, PairModeResult, SingleModeResult } from './run.js';
import type { EndpointPerf } from './requests.js';

const f1 = (value: number | null | undefined): string => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(1));
const f2 = (value: number | null | undefined): string => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(2));
const pct = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);
const STYLE = { head: [], border: [] };

export function pairTable(mode: string, result: PairModeResult, doc: ArenaDocument): string {
  const rating = doc.config.rating;
  const table = new Table({ head: ['rank', 'model', 'rating', `${rating.ciUpperPct - rating.ciLowerPct}% interval`, 'online Elo', 'wins', 'ties', 'losses', 'win rate'], style: STYLE });
  for (const row of result.leaderboard) {
    table.push([row.rank, row.model, f1(row.rating), `${f1(row.ci_lower)} .. ${f1(row.ci_upper)}`, f1(row.elo), row.wins, row.ties, row.losses, pct(row.win_rate)]);
  }
  const c = result.counts;
  const lines = [
    `${mode}${mode === 'baseline' ? ` (every model against ${doc.config.baseline})` : ''}: Bradley-Terry rating, interval from ${rating.bootstrapRounds} bootstrap rounds`,
    table.toString(),
    `battles: ${c.planned} planned, ${c.decided} decided (${c.ties} ties, of which ${c.inconsistent} from position-swap disagreement), ` +
      `${c.unparsable} unparsable verdicts, ${c.judge_errors} judge errors, ${c.answer_errors} missing answers`,
  ];
  if (result.note) lines.push(`note: ${result.note}`);
  return lines.join('\n');
}

export function singleTable(result: SingleModeResult): string {
  const table = new Table({ head: ['rank', 'model', 'mean score', '± stderr', 'graded', 'unparsable', 'errors'], style: STYLE });
  for (const row of result.leaderboard) {
    table.push([row.rank, row.model, f2(row.mean), f2(row.stderr), row.n, `${row.unparsable} (${pct(row.unparsable_share)})`, row.judge_errors + row.answer_errors]);
  }
  const categories = [...new Set(result.grades.map((g) => g.category))];
  const byCategory = new Table({ head: ['model', ...categories], style: STYLE });
  for (const row of result.leaderboard) byCategory.push([row.model, ...categories.map((c) => f2(row.per_category[c]?.mean))]);
  return ['single: judge score 1-10 per answer', table.toString(), 'mean score per category', byCategory.toString()].join('\n');
}

export function peerTable(result: PeerResult, turn = ''): string {
  const table = new Table({ head: ['rank', 'model', 'weighted rating', 'unweighted', 'judge weight', 'self-preference', 'judged'], style: STYLE });
  for (const row of result.leaderboard) {
    table.push([row.rank, row.model, f1(row.weighted_rating), f1(row.unweighted_rating), f2(row.judge_weight), row.self_preference === null ? 'n/a' : `${pct(row.self_preference)} of ${row.self_preference_n}`, result.cost.judge_requests[row.model] ?? 0]);
  }
  const agreement = new Table({ head: ['judge', ...result.agreement.judges], style: STYLE });
  result.agreement.judges.forEach((judge, i) => agreement.push([judge, ...result.agreement.rate[i]!.map((r, j) => (i === j ? '-' : r === null ? 'n/a' : `${pct(r)} (${result.agreement.shared[i]![j]})`))]));
  const decided = result.battles.filter((b) => b.status === 'decided').length;
  return [
    `peer${turn}: every candidate judges the others (never itself, both orders); judges weighted by their own rating until stable (${result.iterations} rounds${result.converged ? '' : ', NOT converged'})`,
    table.toString(),
    'judge agreement on battles both judged (shared battles in brackets; needs 4+ candidates)',
    agreement.toString(),
    `battles: ${result.battles.length} judged, ${decided} decided; ${result.cost.total_judge_requests} judge requests to the candidates`,
  ].join('\n');
}

function perfLine(role: string, perf: EndpointPerf): string {
  const summary = perf.result?.summary;
  const latency = summary?.latency_ms?.count ? `, latency p50 ${f1(summary.latency_ms.p50)} ms p99 ${f1(summary.latency_ms.p99)} ms, ${f1(summary.output_tokens_per_s)} output tokens/s` : '';
  return `${role} ${perf.name} (${perf.model}${perf.simulated ? ', simulator' : ''}): ${perf.requests} requests, ${perf.sent} sent, ${perf.cached} from cache, ${perf.failed} failed${latency}`;
}

export function arenaConsole(doc: ArenaDocument): string {
  const parts: string[] = [];
  if (doc.modes.single) parts.push(singleTable(doc.modes.single));
  if (doc.modes.single?.turn2) parts.push(`second turn (MT-bench two-turn questions), ${singleTable(doc.modes.single.turn2)}`);
  for (const mode of ['baseline', 'pairwise'] as const) {
    const result = doc.modes[mode];
    if (!result) continue;
    parts.push(pairTable(mode, result, doc));
    if (result.turn2) parts.push(pairTable(`${mode}, second turn (MT-bench two-turn questions)`, result.turn2, doc));
  }
  if (doc.modes.peer) parts.push(peerTable(doc.modes.peer));
  if (doc.modes.peer?.turn2) parts.push(peerTable(doc.modes.peer.turn2, ', second turn (MT-bench two-turn questions)'));
  parts.push(['cost and speed', ...doc.perf.candidates.map((p) => perfLine('candidate', p)), ...(doc.perf.second_turns ?? []).map((p) => perfLine('candidate, second turns:', p)), perfLine('judge', doc.perf.judge), ...(doc.perf.peer_judges ?? []).map((p) => perfLine('peer judge', p))].join('\n'));
  return parts.join('\n\n');
}
