// The HTML report's "GPU energy" section, from the result's `gpu` document (written when --server-metrics served DCGM power).
import { escapeHtml, htmlSection } from '../report/html.js';
import type { ResultDocument } from '../metrics/schema.js';
import type { GpuDocument } from './energy.js';

export function gpuSection(result: ResultDocument): string {
  const gpu = result.gpu as GpuDocument | undefined;
  if (!gpu) return '';
  const rows: Array<[string, string]> = [
    ['Energy per output token', gpu.joules_per_output_token === null ? '-' : `${gpu.joules_per_output_token.toFixed(4)} J`],
    ['Energy over the run', `${gpu.energy_j.toFixed(1)} J`],
    ['Mean power (all GPUs)', `${gpu.mean_power_w.toFixed(1)} W`],
    ['Max power', `${gpu.max_power_w.toFixed(1)} W`],
    ['Mean GPU utilisation', gpu.mean_gpu_util_pct === null ? '-' : `${gpu.mean_gpu_util_pct.toFixed(1)} %`],
    ['Max framebuffer used', gpu.max_fb_used_mib === null ? '-' : `${gpu.max_fb_used_mib} MiB`],
  ];
  const table = `<table><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
  const note = `<p>From ${escapeHtml(gpu.source)} scraped by --server-metrics (${gpu.samples} readings in the run), power summed over GPUs and integrated over the client's first send to last end; per token: over the output tokens of succeeded requests.</p>`;
  return htmlSection('GPU energy', note + table, 'gpu-energy');
}
