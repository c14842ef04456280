// The arena's HTML: leaderboards, both matrices and per-category results as colour-scaled tables, charts embedded as PNG.
import { escapeHtml } from '../../report/html.js';
import type { PeerResult } from './peer.js';
import type { PairModeResult, SingleModeResult, ArenaDocument } from './run.js';

const e = (value: unknown): string => escapeHtml(String(value));
const n1 = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : value.toFixed(1));
const n2 = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : value.toFixed(2));

function heatCell(value: number | null, max: number, text: string): string {
  if (value === null) return '<td class="heat none">–</td>';
  const f = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  const rgb = [255 - f * 226, 255 - f * 177, 255 - f * 39].map(Math.round).join(',');
  return `<td class="heat num" style="background:rgb(${rgb});color:${f > 0.55 ? '#fff' : '#111'}">${e(text)}</td>`;
}

function heatTable(id: string, title: string, rows: string[], columns: string[], values: (number | null)[][], max: number, format: (v: number) => string): string {
  const head = `<tr><th>${e(title)}</th>${columns.map((c) => `<th>${e(c)}</th>`).join('')}</tr>`;
  const body = rows.map((row, i) => `<tr><th>${e(row)}</th>${values[i]!.map((v) => heatCell(v, max, v === null ? '' : format(v))).join('')}</tr>`).join('');
  return `<table id="${id}" class="heatmap">${head}${body}</table>`;
}

/** `turn` '' for the first turn, '-turn2' for MT-bench's second (its own ids and title; charts are first-turn only). */
function pairSection(mode: 'baseline' | 'pairwise', result: PairModeResult, doc: ArenaDocument, images: Record<string, string>, turn = ''): string {
  const r = doc.config.rating;
  const id = `${mode}${turn}`;
  const rows = result.leaderboard.map((row) => `<tr><td class="num">${row.rank}</td><td>${e(row.model)}</td><td class="num">${n1(row.rating)}</td><td class="num">${n1(row.ci_lower)} .. ${n1(row.ci_upper)}</td><td class="num">${n1(row.elo)}</td><td class="num">${row.wins}</td><td class="num">${row.ties}</td><td class="num">${row.losses}</td><td class="num">${row.win_rate === null ? 'n/a' : (row.win_rate * 100).toFixed(1) + '%'}</td></tr>`);
  const m = result.matrices;
  const maxBattles = Math.max(1, ...m.battle_count.flat());
  const categories = Object.keys(result.per_category);
  const c = result.counts;
  return `<section id="arena-${id}"><h3>${mode === 'baseline' ? `Baseline: every model against ${e(doc.config.baseline)}` : 'Pairwise: every pair on every question'}${turn ? ', second turn (MT-bench two-turn questions)' : ''}</h3>
<table id="arena-${id}-leaderboard"><tr><th>rank</th><th>model</th><th>rating</th><th>${r.ciUpperPct - r.ciLowerPct}% interval</th><th>online Elo</th><th>wins</th><th>ties</th><th>losses</th><th>win rate</th></tr>${rows.join('')}</table>
<p>${c.planned} battles planned, ${c.decided} decided (${c.ties} ties, ${c.inconsistent} of them from the two orders disagreeing), ${c.unparsable} unparsable verdicts, ${c.judge_errors} judge errors, ${c.answer_errors} missing answers.</p>
${result.note ? `<p class="note">${e(result.note)}</p>` : ''}
${!turn && images[`arena-${mode}-leaderboard`] ? `<img alt="${mode} leaderboard" src="${images[`arena-${mode}-leaderboard`]}">` : ''}
<h4>Win fraction (row beats column, non-tied battles)</h4>${heatTable(`arena-${id}-win-fraction`, 'row \\ column', m.models, m.models, m.win_fraction, 1, (v) => v.toFixed(2))}
<h4>Battle count</h4>${heatTable(`arena-${id}-battle-count`, 'row \\ column', m.models, m.models, m.battle_count.map((row, i) => row.map((v, j) => (i === j ? null : v))), maxBattles, (v) => String(v))}
<h4>Win rate per category</h4>${heatTable(`arena-${id}-categories`, 'model \\ category', m.models, categories, m.models.map((model) => categories.map((cat) => result.per_category[cat]![model]?.win_rate ?? null)), 1, (v) => v.toFixed(2))}
</section>`;
}

function singleSection(result: SingleModeResult, images: Record<string, string>): string {
  const categories = [...new Set(result.grades.map((g) => g.category))];
  const rows = result.leaderboard.map((row) => `<tr><td class="num">${row.rank}</td><td>${e(row.model)}</td><td class="num">${n2(row.mean)}</td><td class="num">${n2(row.stderr)}</td><td class="num">${row.n}</td><td class="num">${row.unparsable} (${(row.unparsable_share * 100).toFixed(1)}%)</td></tr>`);
  return `<section id="arena-single"><h3>Single grading: the judge scores each answer 1-10</h3>
<table id="arena-single-leaderboard"><tr><th>rank</th><th>model</th><th>mean score</th><th>± stderr</th><th>graded</th><th>unparsable</th></tr>${rows.join('')}</table>
${images['arena-single-scores'] ? `<img alt="single scores" src="${images['arena-single-scores']}">` : ''}
<h4>Mean score per category</h4>${heatTable('arena-single-categories', 'model \\ category', result.leaderboard.map((r) => r.model), categories, result.leaderboard.map((r) => categories.map((c) => r.per_category[c]?.mean ?? null)), 10, (v) => v.toFixed(2))}
</section>`;
}

/** `turn` '' for the first turn, '-turn2' for MT-bench's second (its own ids and title). */
function peerSection(result: PeerResult, turn = ''): string {
  const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const rows = result.leaderboard.map((row) => `<tr><td class="num">${row.rank}</td><td>${e(row.model)}</td><td class="num">${n1(row.weighted_rating)}</td><td class="num">${n1(row.unweighted_rating)}</td><td class="num">${n2(row.judge_weight)}</td><td class="num">${row.self_preference === null ? 'n/a' : `${pct(row.self_preference)} of ${row.self_preference_n}`}</td><td class="num">${result.cost.judge_requests[row.model] ?? 0}</td></tr>`);
  const a = result.agreement;
  const rate = a.rate.map((row, i) => row.map((v, j) => (i === j ? null : v)));
  return `<section id="arena-peer${turn}"><h3>Peer examination: every candidate judges the others${turn ? ', second turn (MT-bench two-turn questions)' : ''}</h3>
<table id="arena-peer${turn}-leaderboard"><tr><th>rank</th><th>model</th><th>weighted rating</th><th>unweighted</th><th>judge weight</th><th>self-preference</th><th>judge requests</th></tr>${rows.join('')}</table>
<p>Judges weighted by their own rating until stable: ${result.iterations} rounds${result.converged ? '' : ' (not converged)'}; ${result.cost.total_judge_requests} judge requests to the candidates.</p>
<h4>Judge agreement (share of battles both judged with the same winner)</h4>${heatTable(`arena-peer${turn}-agreement`, 'judge \\ judge', a.judges, a.judges, rate, 1, (v) => v.toFixed(2))}
</section>`;
}

/** The arena as an HTML fragment for the main report's extension point; all text escaped. */
export function renderArenaSection(doc: ArenaDocument, images: Record<string, string> = {}): string {
  const perf = [
    ...doc.perf.candidates.map((p) => ({ role: 'candidate', p })),
    ...(doc.perf.second_turns ?? []).map((p) => ({ role: 'candidate, second turns', p })),
    { role: 'judge', p: doc.perf.judge },
    ...(doc.perf.peer_judges ?? []).map((p) => ({ role: 'peer judge', p })),
  ].map(({ role, p }) => {
    const s = p.result?.summary;
    return `<tr><td>${role}</td><td>${e(p.name)}</td><td>${e(p.model)}${p.simulated ? ' (simulator)' : ''}</td><td class="num">${p.requests}</td><td class="num">${p.sent}</td><td class="num">${p.cached}</td><td class="num">${p.failed}</td><td class="num">${s?.latency_ms?.count ? n1(s.latency_ms.p50) : 'n/a'}</td><td class="num">${s?.ttft_ms?.count ? n1(s.ttft_ms.p50) : 'n/a'}</td><td class="num">${s ? n1(s.output_tokens_per_s) : 'n/a'}</td></tr>`;
  });
  return `<section id="arena"><h2>Arena</h2>
<p>Judge: ${e(doc.config.judge.name)} (${e(doc.config.judge.model)}); ${doc.config.question_count} questions; modes: ${e(doc.config.modes.join(', '))}.</p>
${doc.modes.single ? singleSection(doc.modes.single, images) : ''}
${doc.modes.baseline ? pairSection('baseline', doc.modes.baseline, doc, images) : ''}
${doc.modes.baseline?.turn2 ? pairSection('baseline', doc.modes.baseline.turn2, doc, images, '-turn2') : ''}
${doc.modes.pairwise ? pairSection('pairwise', doc.modes.pairwise, doc, images) : ''}
${doc.modes.pairwise?.turn2 ? pairSection('pairwise', doc.modes.pairwise.turn2, doc, images, '-turn2') : ''}
${doc.modes.peer ? peerSection(doc.modes.peer) : ''}
${doc.modes.peer?.turn2 ? peerSection(doc.modes.peer.turn2, '-turn2') : ''}
<h3>Cost and speed</h3><table id="arena-perf"><tr><th>role</th><th>name</th><th>model</th><th>requests</th><th>sent</th><th>cached</th><th>failed</th><th>latency p50 ms</th><th>TTFT p50 ms</th><th>output tokens/s</th></tr>${perf.join('')}</table>
</section>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#111;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.heat{text-align:center;min-width:3.5rem}td.none{background:#e5e7eb;color:#6b7280}
.note{color:#92400e}img{max-width:100%;border:1px solid #eee}`;

/** arena.html: one self-contained page without scripts. */
export function renderArenaPage(doc: ArenaDocument, images: Record<string, string> = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>llmperf arena</title><style>${STYLE}</style></head><body><h1>llmperf arena</h1><p>${e(doc.started_at)} – ${e(doc.ended_at)}</p>${renderArenaSection(doc, images)}</body></html>`;
}
