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

export function renderEvalPage(doc: EvalDocument): string {
  return renderChartPage(`llmperf eval: ${doc.model}`, [renderEvalHtml(doc), htmlSection('Serving performance of the eval', perfTable(doc.perf), 'eval-perf')], []);
}
