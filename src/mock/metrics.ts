// GET /metrics: the simulator's gauges and counters in Prometheus text format, under vLLM's metric names.
import type { MockConfig } from './options.js';
import { renderSpecMetrics, type SpecTotals } from './speculative.js';
import type { StatsCollector } from './stats.js';

/** Monotonic totals (never reset by resetStats, as Prometheus counters must not go down). */
export interface MetricTotals {
  promptTokens: number;
  generationTokens: number;
  requestsSucceeded: number;
  preemptions: number;
  /** Speculative decoding's truth, when the simulator runs with specTokens > 0. */
  spec?: SpecTotals;
}

export function newTotals(): MetricTotals {
  return { promptTokens: 0, generationTokens: 0, requestsSucceeded: 0, preemptions: 0 };
}

function metric(lines: string[], name: string, type: 'gauge' | 'counter', help: string, labels: string, value: number): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{${labels}} ${Number.isInteger(value) ? value.toFixed(1) : String(value)}`);
}

export function renderMetrics(config: MockConfig, stats: StatsCollector, totals: MetricTotals): string {
  const labels = `model_name=${JSON.stringify(config.model)}`;
  const lines: string[] = [];
  metric(lines, 'vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', labels, stats.active);
  metric(lines, 'vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', labels, stats.queued);
  // The simulator has no KV cache; slot occupancy is the closest analogue.
  const usage = stats.active / config.slots;
  metric(lines, 'vllm:gpu_cache_usage_perc', 'gauge', 'GPU KV-cache usage. 1 means 100 percent usage (simulated: active / slots).', labels, usage);
  metric(lines, 'vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage (simulated: active / slots).', labels, usage);
  metric(lines, 'vllm:num_preemptions_total', 'counter', 'Cumulative number of preemptions (the simulator never preempts).', labels, totals.preemptions);
  metric(lines, 'vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', labels, totals.promptTokens);
  metric(lines, 'vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.', labels, totals.generationTokens);
  metric(lines, 'vllm:request_success_total', 'counter', 'Count of successfully processed requests.', labels, totals.requestsSucceeded);
  if (totals.spec) renderSpecMetrics(lines, labels, totals.spec);
  gpuMetrics(lines, config, stats.active / config.slots);
  return lines.join('\n') + '\n';
}

/** The simulated GPU's idle and full-batch power (W) and memory (MiB): an H100-like card, for DCGM-named series. */
export const SIM_GPU = { idleW: 90, fullW: 650, weightsMiB: 30_000, kvMiB: 40_000 } as const;

/**
 * NVIDIA DCGM exporter's series for one simulated GPU, so --server-metrics energy accounting is tested offline.
 * Power and utilisation rise linearly with the share of busy slots (a stand-in for batch occupancy).
 */
function gpuMetrics(lines: string[], config: MockConfig, busy: number): void {
  const labels = `gpu="0",UUID="GPU-llmperf-sim-0",device="nvidia0",modelName="llmperf simulator",Hostname="sim",model_name=${JSON.stringify(config.model)}`;
  const share = Math.min(1, busy);
  metric(lines, 'DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W) (simulated).', labels, SIM_GPU.idleW + (SIM_GPU.fullW - SIM_GPU.idleW) * share);
  metric(lines, 'DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %) (simulated).', labels, Math.round(100 * share));
  metric(lines, 'DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB) (simulated).', labels, Math.round(SIM_GPU.weightsMiB + SIM_GPU.kvMiB * share));
}
