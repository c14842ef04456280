// The arena's PNGs: heatmaps drawn with plain canvas calls (chart.js has no matrix chart), bar charts via the shared chart.js renderer.
import { createCanvas } from '@napi-rs/canvas';
import type { ChartConfiguration } from 'chart.js';
import { renderChartPng } from '../../report/png.js';
import type { PairLeaderboardRow, SingleLeaderboardRow } from './ratings.js';

export interface Heatmap {
  title: string;
  rowLabels: string[];
  columnLabels: string[];
  /** null cells are drawn grey with "–". */
  values: (number | null)[][];
  /** Value shown as full colour; 0 is white. */
  max: number;
  format: (value: number) => string;
}

/** White → blue by value; text turns white on dark cells so it stays readable. */
function cellColour(fraction: number): { fill: string; text: string } {
  const f = Math.max(0, Math.min(1, fraction));
  const r = Math.round(255 - f * (255 - 29));
  const g = Math.round(255 - f * (255 - 78));
  const b = Math.round(255 - f * (255 - 216));
  return { fill: `rgb(${r},${g},${b})`, text: f > 0.55 ? '#ffffff' : '#111111' };
}

export async function renderHeatmapPng(map: Heatmap): Promise<Buffer> {
  const cell = Math.max(48, Math.min(110, Math.floor(800 / Math.max(1, map.columnLabels.length))));
  const left = 40 + 8 * Math.max(4, ...map.rowLabels.map((l) => Math.min(l.length, 24)));
  const top = 90;
  // ~10 px per character of the 18 px bold title, so it is never cut off.
  const width = Math.max(600, left + cell * map.columnLabels.length + 40, 40 + map.title.length * 10);
  const height = top + cell * map.rowLabels.length + 40;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 18px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(map.title, 20, 28);
  ctx.font = '13px sans-serif';
  ctx.textAlign = 'center';
  map.columnLabels.forEach((label, j) => ctx.fillText(label.slice(0, 16), left + cell * j + cell / 2, top - 16));
  ctx.textAlign = 'right';
  map.rowLabels.forEach((label, i) => ctx.fillText(label.slice(0, 24), left - 10, top + cell * i + cell / 2));
  ctx.textAlign = 'center';
  map.values.forEach((row, i) =>
    row.forEach((value, j) => {
      const x = left + cell * j;
      const y = top + cell * i;
      const colour = value === null ? { fill: '#e5e7eb', text: '#6b7280' } : cellColour(map.max > 0 ? value / map.max : 0);
      ctx.fillStyle = colour.fill;
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(x, y, cell, cell);
      ctx.fillStyle = colour.text;
      ctx.fillText(value === null ? '–' : map.format(value), x + cell / 2, y + cell / 2);
    }),
  );
  return canvas.encode('png');
}

/** Ratings as points with their interval as a floating bar, highest first. */
export function leaderboardChart(title: string, rows: readonly PairLeaderboardRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [
        { type: 'bar', label: 'confidence interval', data: rows.map((r) => [r.ci_lower, r.ci_upper]) as unknown as number[], backgroundColor: 'rgba(29,78,216,0.35)', borderColor: 'rgb(29,78,216)', borderWidth: 1 },
        { type: 'line', label: 'Bradley-Terry rating', data: rows.map((r) => r.rating), showLine: false, pointRadius: 6, pointBackgroundColor: 'rgb(220,38,38)', borderColor: 'rgb(220,38,38)' },
        { type: 'line', label: 'online Elo', data: rows.map((r) => r.elo), showLine: false, pointRadius: 5, pointStyle: 'triangle', pointBackgroundColor: 'rgb(22,163,74)', borderColor: 'rgb(22,163,74)' },
      ],
    },
    options: { plugins: { title: { display: true, text: title } }, scales: { y: { title: { display: true, text: 'rating' } } } },
  };
}

/** Mean judge score per model with a ±1.96 standard-error bar. */
export function singleScoresChart(rows: readonly SingleLeaderboardRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [
        { type: 'bar', label: 'mean score', data: rows.map((r) => r.mean ?? 0), backgroundColor: 'rgba(29,78,216,0.6)' },
        { type: 'bar', label: '±1.96 standard errors', data: rows.map((r) => (r.mean === null ? [0, 0] : [r.mean - 1.96 * (r.stderr ?? 0), r.mean + 1.96 * (r.stderr ?? 0)])) as unknown as number[], backgroundColor: 'rgba(220,38,38,0.35)', grouped: false, barPercentage: 0.2 },
      ],
    },
    options: { plugins: { title: { display: true, text: 'single grading: mean judge score (1-10)' } }, scales: { y: { min: 0, max: 10 } } },
  };
}

/** Mean score per category, one bar group per category. */
export function categoryChart(title: string, categories: readonly string[], series: { label: string; values: (number | null)[] }[], max: number): ChartConfiguration {
  const palette = ['#1d4ed8', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  return {
    type: 'bar',
    data: { labels: [...categories], datasets: series.map((s, i) => ({ label: s.label, data: s.values.map((v) => v ?? 0), backgroundColor: palette[i % palette.length] })) },
    options: { plugins: { title: { display: true, text: title } }, scales: { y: { min: 0, max } } },
  };
}

export async function renderBarPng(id: string, title: string, config: ChartConfiguration): Promise<Buffer> {
  return renderChartPng({ id, title, config });
}
