// Renders the Grafana dashboard's panels from a Prometheus's data as one PNG, with chart.js (for a screenshot where Docker/Grafana is not available).
// Usage (after `npm run build`): node deploy/grafana/render-dashboard.mjs --prometheus http://127.0.0.1:9090 --start EPOCH_S --end EPOCH_S --out dashboard.png
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { renderChartPng } from '../../dist/report/png.js';

const { values: args } = parseArgs({
  options: {
    prometheus: { type: 'string', default: 'http://127.0.0.1:9090' },
    start: { type: 'string' },
    end: { type: 'string' },
    out: { type: 'string', default: 'dashboard.png' },
    'rate-interval': { type: 'string', default: '5s' },
    'run-id': { type: 'string', default: '.*' },
  },
});
const end = Number(args.end ?? Date.now() / 1000);
const start = Number(args.start ?? end - 300);
const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('./dashboards/llmperf.json', import.meta.url)), 'utf8'));
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const PANEL_W = 520;
const PANEL_H = 280;
const COLUMNS = 3;

async function queryRange(expr) {
  const url = new URL('/api/v1/query_range', args.prometheus);
  url.search = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: '1' }).toString();
  const body = await (await fetch(url)).json();
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** Grafana's {{label}} legend templates. */
const legend = (format, metric) => format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => metric[name] ?? '');

const images = [];
for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
  const datasets = [];
  for (const target of panel.targets) {
    const expr = target.expr.replaceAll('$__rate_interval', args['rate-interval']).replaceAll('$run_id', args['run-id']);
    for (const series of await queryRange(expr)) {
      const color = COLORS[datasets.length % COLORS.length];
      datasets.push({
        label: legend(target.legendFormat ?? '', series.metric).trim() || expr.slice(0, 40),
        data: series.values.map(([t, v]) => ({ x: Number(t) - start, y: Number(v) })).filter((p) => Number.isFinite(p.y)),
        borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2,
      });
    }
  }
  const unit = panel.fieldConfig?.defaults?.unit ?? '';
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      plugins: { title: { display: true, text: `${panel.title}${unit ? ` (${unit})` : ''}`, font: { size: 15 } }, legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
      scales: { x: { type: 'linear', min: 0, max: end - start, title: { display: true, text: 's' } }, y: { beginAtZero: true } },
    },
  };
  if (datasets.length === 0) config.options.plugins.title.text += ': no data';
  images.push(await loadImage(await renderChartPng({ id: String(panel.id), title: panel.title, config }, PANEL_W, PANEL_H)));
}
const rows = Math.ceil(images.length / COLUMNS);
const canvas = createCanvas(COLUMNS * PANEL_W, rows * PANEL_H + 40);
const ctx = canvas.getContext('2d');
ctx.fillStyle = '#ffffff';
ctx.fillRect(0, 0, canvas.width, canvas.height);
ctx.fillStyle = '#111827';
ctx.font = '22px sans-serif';
ctx.fillText(`${dashboard.title}: ${dashboard.panels.filter((p) => p.type !== 'row').length} panels, rendered from Prometheus data (${new Date(start * 1000).toISOString()})`, 12, 28);
images.forEach((image, i) => ctx.drawImage(image, (i % COLUMNS) * PANEL_W, 40 + Math.floor(i / COLUMNS) * PANEL_H));
writeFileSync(args.out, await canvas.encode('png'));
console.log(`${args.out}: ${images.length} panels`);
