// report.html for an eval: the score section plus each benchmark's own serving performance.
import type { ResultDocument } from '../metrics/schema.js';
import { escapeHtml, htmlSection, renderChartPage } from '../report/html.js';
import { renderEvalHtml } from './report.js';
import type { EvalDocument } from './runner.js';

const num = (value: number | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(1) : '-');

/** One row per benchmark whose requests were sent (cached answers cost nothing and are left out). */
function perfTable(perf: Record<string, ResultDocument | null>): string {
  const rows = Object.entries(perf)
    .filter((entry): entry is [string, ResultDocument] => entry[1] !== null)
    .map(([name, result]) => {
      const s = result.summary;
      return `<tr><td>${escapeHtml(name)}</td><td class="num">${s.succeeded}</td><td class="num">${s.failed}</td><td class="num">${num(s.ttft_ms.p50 ?? undefined)}</td><td class="num">${num(s.latency_ms.p50 ?? undefined)}</td><td class="num">${num(s.latency_ms.p99 ?? undefined)}</td><td class="num">${num(s.output_tokens_per_s)}</td></tr>`;
    });
  if (rows.length === 0) return '<p>Every answer came from the response cache: no request was sent.</p>';
  const head = '<tr><th>benchmark</th><th>succeeded</th><th>failed</th><th>TTFT p50 (ms)</th><th>latency p50 (ms)</th><th>latency p99 (ms)</th><th>output tokens/s</th></tr>';
  return `<table id="eval-perf">${head}${rows.join('')}</table>`;
}

const score = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(4) : '-');

/** The first thing on the page: one row per benchmark with its headline score and how it was measured. */
function summaryTable(doc: EvalDocument): string {
  const rows = Object.entries(doc.benchmarks).map(([name, b]) =>
    b.refused
      ? `<tr class="fail"><td>${escapeHtml(name)}</td><td colspan="5">refused: ${escapeHtml(b.refused)}</td></tr>`
      : `<tr data-benchmark="${escapeHtml(name)}"><td>${escapeHtml(name)}</td><td class="num">${score(b.score)}</td><td class="num">${score(b.stderr)}</td>` +
        `<td class="num">${b.n}</td><td>${escapeHtml(b.mode)}</td><td>${escapeHtml(b.metric)}</td></tr>`,
  );
  const head = '<tr><th>benchmark</th><th>score</th><th>± stderr</th><th>n</th><th>mode</th><th>metric</th></tr>';
  const simulated = doc.simulated ? '<p class="notes">Simulated: the built-in test double answered; these scores say nothing about a real model.</p>' : '';
  return `<section id="eval-summary"><h2>Summary</h2>${simulated}<table id="eval-summary-table">${head}${rows.join('')}</table></section>`;
}

/** Dataset and prompt hashes and generation settings: needed to reproduce, not to read, so folded away at the end. */
function fingerprints(doc: EvalDocument): string {
  const rows = Object.entries(doc.benchmarks).map(([name, b]) => {
    const f = b.fingerprint;
    return `<tr><td>${escapeHtml(name)}</td><td><code>${escapeHtml(f.dataset_sha256 ?? 'generated')}</code></td><td><code>${escapeHtml(f.prompt_template_sha256)}</code></td><td>${escapeHtml(JSON.stringify(f.generation))}</td></tr>`;
  });
  return (
    `<section id="eval-fingerprints"><details><summary>Fingerprints (dataset, prompt template, generation settings)</summary>` +
    `<table><tr><th>benchmark</th><th>dataset sha256</th><th>prompt template sha256</th><th>generation</th></tr>${rows.join('')}</table></details></section>`
  );
}

export function renderEvalPage(doc: EvalDocument): string {
  return renderChartPage(
    `llmperf eval: ${doc.model}`,
    [summaryTable(doc), renderEvalHtml(doc, { fingerprints: false }), htmlSection('Serving performance of the eval', perfTable(doc.perf), 'eval-perf'), fingerprints(doc)],
    [],
  );
}
