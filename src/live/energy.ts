// GPU energy from --server-metrics' DCGM series: power integrated over the run, per output token, with mean utilisation and memory.
import type { ResultDocument } from '../metrics/schema.js';

/** What `result.gpu` records (absent when the scraped endpoint had no DCGM power series). */
export interface GpuDocument {
  source: 'DCGM_FI_DEV_POWER_USAGE';
  /** Power summed over the GPUs the exporter lists, integrated over [first send, last end] (trapezoids; held flat beyond the first/last scrape). */
  energy_j: number;
  /** energy_j / output tokens of succeeded requests; null with no output tokens. */
  joules_per_output_token: number | null;
  mean_power_w: number;
  max_power_w: number;
  /** DCGM_FI_DEV_GPU_UTIL averaged over GPUs and over the run (time-weighted); null when not served. */
  mean_gpu_util_pct: number | null;
  /** DCGM_FI_DEV_FB_USED summed over GPUs, the most seen; null when not served. */
  max_fb_used_mib: number | null;
  /** Power readings inside the run window. */
  samples: number;
}

type Points = Array<[number, number]>;

/** The integral of the piecewise-linear curve through `points` over [0, endS], flat before the first and after the last point. */
export function integrate(points: Points, endS: number): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  if (sorted.length === 0 || endS <= 0) return 0;
  const valueAt = (t: number): number => {
    if (t <= sorted[0][0]) return sorted[0][1];
    for (let i = 1; i < sorted.length; i++) {
      const [t1, v1] = sorted[i];
      if (t <= t1) {
        const [t0, v0] = sorted[i - 1];
        return t1 === t0 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
      }
    }
    return sorted[sorted.length - 1][1];
  };
  // Knots: the window's ends and every scrape inside it; the curve is linear between knots.
  const knots = [0, ...sorted.map(([t]) => t).filter((t) => t > 0 && t < endS), endS];
  let area = 0;
  for (let i = 1; i < knots.length; i++) area += ((valueAt(knots[i - 1]) + valueAt(knots[i])) / 2) * (knots[i] - knots[i - 1]);
  return area;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Reads the result's server_metrics; null when there is no DCGM power series (no GPU exporter among the scraped endpoints). */
export function gpuEnergy(result: ResultDocument): GpuDocument | null {
  const metrics = result.server_metrics as { series?: Record<string, Points> } | undefined;
  const power = metrics?.series?.DCGM_FI_DEV_POWER_USAGE;
  const durationS = result.summary.duration_s;
  if (!power || power.length === 0 || !(durationS > 0)) return null;
  const energyJ = integrate(power, durationS);
  const tokens = result.summary.total_output_tokens;
  const util = metrics!.series!.DCGM_FI_DEV_GPU_UTIL;
  const memory = metrics!.series!.DCGM_FI_DEV_FB_USED;
  const inside = (points: Points) => points.filter(([t]) => t >= 0 && t <= durationS);
  const inRun = inside(power);
  return {
    source: 'DCGM_FI_DEV_POWER_USAGE',
    energy_j: round(energyJ, 3),
    joules_per_output_token: tokens > 0 ? round(energyJ / tokens, 6) : null,
    mean_power_w: round(energyJ / durationS, 3),
    max_power_w: round(Math.max(...(inRun.length > 0 ? inRun : power).map(([, w]) => w)), 3),
    mean_gpu_util_pct: util && util.length > 0 ? round(integrate(util, durationS) / durationS, 2) : null,
    max_fb_used_mib: memory && memory.length > 0 ? Math.max(...memory.map(([, mib]) => mib)) : null,
    samples: inRun.length,
  };
}

/** One line for the console and the reports. */
export function gpuLine(gpu: GpuDocument): string {
  const perToken = gpu.joules_per_output_token === null ? '-' : `${gpu.joules_per_output_token.toFixed(3)} J/output token`;
  const util = gpu.mean_gpu_util_pct === null ? '' : `, GPU utilisation ${gpu.mean_gpu_util_pct.toFixed(1)}%`;
  const memory = gpu.max_fb_used_mib === null ? '' : `, memory up to ${(gpu.max_fb_used_mib / 1024).toFixed(1)} GiB`;
  return `GPU energy (DCGM): ${perToken}, ${gpu.energy_j.toFixed(0)} J, mean power ${gpu.mean_power_w.toFixed(1)} W (max ${gpu.max_power_w.toFixed(0)} W)${util}${memory}`;
}
