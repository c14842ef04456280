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

/** Chart text big enough to read when the PNG is shown at half size in a page. */
const READABLE = { title: { size: 20 }, ticks: { size: 15 }, axisTitle: { size: 15 }, legend: { size: 15 } };
const scaleText = (text: string) => ({ title: { display: true, text, font: READABLE.axisTitle }, ticks: { font: READABLE.ticks } });
/** The legend draws each dataset's own marker (circle, triangle, box), so a swatch looks like what it names. */
const legend = { display: true, labels: { usePointStyle: true, font: READABLE.legend, padding: 16 } };

/**
 * Bradley-Terry ratings (points, with their bootstrap interval as a floating bar) on the left axis, online Elo
 * (triangles) on its own right axis: the two live on different scales, and one axis would flatten one of them.
 */
export function leaderboardChart(title: string, rows: readonly PairLeaderboardRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [
        { type: 'bar', label: 'Bradley-Terry 95% interval', data: rows.map((r) => [r.ci_lower, r.ci_upper]) as unknown as number[], backgroundColor: 'rgba(29,78,216,0.35)', borderColor: 'rgb(29,78,216)', borderWidth: 1, yAxisID: 'y', pointStyle: 'rect' },
        { type: 'line', label: 'Bradley-Terry rating (left axis)', data: rows.map((r) => r.rating), showLine: false, pointRadius: 7, pointStyle: 'circle', pointBackgroundColor: 'rgb(29,78,216)', backgroundColor: 'rgb(29,78,216)', borderColor: 'rgb(29,78,216)', yAxisID: 'y' },
        { type: 'line', label: 'online Elo (right axis)', data: rows.map((r) => r.elo), showLine: false, pointRadius: 8, pointStyle: 'triangle', pointBackgroundColor: 'rgb(22,163,74)', backgroundColor: 'rgb(22,163,74)', borderColor: 'rgb(22,163,74)', yAxisID: 'y1' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: title, font: READABLE.title }, legend },
      scales: {
        x: { ticks: { font: READABLE.ticks } },
        // Neither starts at zero: ratings are relative, and a zero floor squeezes their differences flat.
        y: { position: 'left', beginAtZero: false, grace: '5%', ...scaleText('Bradley-Terry rating') },
        y1: { position: 'right', beginAtZero: false, grace: '5%', grid: { drawOnChartArea: false }, ...scaleText('online Elo') },
      },
    },
  } as ChartConfiguration;
}

/** Mean judge score per model with a ±1.96 standard-error bar. */
export function singleScoresChart(rows: readonly SingleLeaderboardRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [
        { type: 'bar', label: 'mean score', data: rows.map((r) => r.mean ?? 0), backgroundColor: 'rgba(29,78,216,0.6)', pointStyle: 'rect' },
        { type: 'bar', label: '±1.96 standard errors', data: rows.map((r) => (r.mean === null ? [0, 0] : [r.mean - 1.96 * (r.stderr ?? 0), r.mean + 1.96 * (r.stderr ?? 0)])) as unknown as number[], backgroundColor: 'rgba(220,38,38,0.35)', grouped: false, barPercentage: 0.2, pointStyle: 'rect' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'single grading: mean judge score (1-10)', font: READABLE.title }, legend },
      scales: { x: { ticks: { font: READABLE.ticks } }, y: { min: 0, max: 10, ...scaleText('mean judge score (1-10)') } },
    },
  };
}

/** Mean score per category, one bar group per category. */
export function categoryChart(title: string, categories: readonly string[], series: { label: string; values: (number | null)[] }[], max: number): ChartConfiguration {
  const palette = ['#1d4ed8', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  return {
    type: 'bar',
    data: { labels: [...categories], datasets: series.map((s, i) => ({ label: s.label, data: s.values.map((v) => v ?? 0), backgroundColor: palette[i % palette.length], pointStyle: 'rect' })) },
    options: {
      plugins: { title: { display: true, text: title, font: READABLE.title }, legend },
      scales: { x: { ticks: { font: READABLE.ticks } }, y: { min: 0, max, ...scaleText(max === 10 ? 'mean judge score (1-10)' : 'win fraction') } },
    },
  };
}

export async function renderBarPng(id: string, title: string, config: ChartConfiguration): Promise<Buffer> {
  return renderChartPng({ id, title, config });
}
