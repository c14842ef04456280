// The eval section of the HTML report: an HTML fragment rendered from eval.json, every text escaped.
import type { EvalDocument } from './runner.js';
import { judgeLine } from './table.js';

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/** A `<section>` with one table per benchmark (overall, categories, subsets, extra metrics) and the notes. */
export function renderEvalHtml(doc: EvalDocument, options: { fingerprints?: boolean } = {}): string {
  const parts: string[] = ['<section class="llmperf-eval">', '<h2>Accuracy evaluation</h2>'];
  parts.push(`<p>Model <code>${escapeHtml(doc.model)}</code> at <code>${escapeHtml(doc.url)}</code>${doc.simulated ? ' — <strong>simulated</strong> (the built-in test double answered; these scores say nothing about a real model)' : ''}.</p>`);
  for (const [name, b] of Object.entries(doc.benchmarks)) {
    parts.push(`<h3>${escapeHtml(name)} <small>(${escapeHtml(b.mode)}, ${escapeHtml(b.metric)})</small></h3>`);
    if (b.refused) {
      parts.push(`<p>Refused: ${escapeHtml(b.refused)}</p>`);
      continue;
    }
    const rows: string[] = [`<tr><td>${b.subsets.length > 1 ? "all (weighted average)" : "all"}</td><td>${num(b.score)}</td><td>${num(b.stderr)}</td><td>${b.n}</td></tr>`];
    for (const c of b.categories) rows.push(`<tr><td>[${escapeHtml(c.name)}]</td><td>${num(c.score)}</td><td>${num(c.stderr)}</td><td>${c.n}</td></tr>`);
    if (b.subsets.length > 1) for (const s of b.subsets) rows.push(`<tr><td>${escapeHtml(s.name)}</td><td>${num(s.score)}</td><td>${num(s.stderr)}</td><td>${s.n}</td></tr>`);
    for (const [metric, value] of Object.entries(b.metrics)) {
      if (metric !== b.metric) rows.push(`<tr><td>${escapeHtml(metric)}</td><td>${num(value)}</td><td>${num(b.metrics_stderr[metric])}</td><td></td></tr>`);
    }
    parts.push(`<table><thead><tr><th>subset / metric</th><th>score</th><th>± stderr</th><th>n</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
    if (b.judge) parts.push(`<p class="judge">Judge: ${escapeHtml(judgeLine(b.judge))}</p>`);
    if (b.notes.length > 0) parts.push(`<ul>${b.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
    if (options.fingerprints !== false) parts.push(`<p><small>dataset sha256 ${escapeHtml(b.fingerprint.dataset_sha256 ?? 'generated')}, prompts sha256 ${escapeHtml(b.fingerprint.prompt_template_sha256.slice(0, 16))}, generation ${escapeHtml(JSON.stringify(b.fingerprint.generation))}</small></p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}
