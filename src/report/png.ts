// charts/*.png: the report's charts rendered server-side with chart.js on @napi-rs/canvas (no system Cairo needed).
import { writeFileSync } from 'node:fs';
import { makeOutDir } from '../util/out-dir.js';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type Plugin } from 'chart.js';
import type { ChartSpec } from './charts.js';
import { hydrateChartConfig } from './chart-hydrate.js';

export const PNG_WIDTH = 1000;
export const PNG_HEIGHT = 600;

let registered = false;

/** chart.js clears to transparent; a PNG pasted into a dark page needs its own background. */
const whiteBackground: Plugin = {
  id: 'llmperf-white-background',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Renders one chart to PNG bytes. */
export async function renderChartPng(spec: ChartSpec, width = PNG_WIDTH, height = PNG_HEIGHT): Promise<Buffer> {
  if (!registered) {
    Chart.register(...registerables);
    registered = true;
  }
  const canvas = createCanvas(width, height);
  // Configs are plain JSON; clone so chart.js's in-place option resolution never touches the caller's copy.
  const config = structuredClone(spec.config);
  config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 };
  config.plugins = [whiteBackground];
  hydrateChartConfig(config as unknown as Parameters<typeof hydrateChartConfig>[0]);
  const chart = new Chart(canvas.getContext('2d') as any, config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

/** Writes `charts/<id>.png` for every chart; returns the paths. */
export async function writePngCharts(outDir: string, specs: readonly ChartSpec[]): Promise<string[]> {
  const dir = join(outDir, 'charts');
  makeOutDir(dir);
  const written: string[] = [];
  for (const spec of specs) {
    const path = join(dir, `${spec.id}.png`);
    writeFileSync(path, await renderChartPng(spec));
    written.push(path);
  }
  return written;
}
