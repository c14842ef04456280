// The run's one-line description of its load for the console header: what will actually be sent, and how.
import type { LoadConfig } from '../engine/run.js';
import { describeThinkTime } from '../workload/think-time.js';
import type { RunPlan } from './plan.js';

/**
 * e.g. "llmperf: 16 concurrent chat requests to URL (model m)", "... 8 users (conversation loops, think time
 * normal:5s,2s) sending chat requests to ...", or for a trace "llmperf: replaying 48 chat requests at their recorded
 * times (x4 speed) to URL (model m), in flight unbounded": a trace's in-flight cap is no concurrency, so the header
 * never calls it one.
 */
export function loadHeader(
  plan: Pick<RunPlan, 'concurrency' | 'ratePerS' | 'users' | 'thinkTime' | 'datasetKind' | 'workloadConfig' | 'capGiven' | 'api'>,
  config: Pick<LoadConfig, 'requests' | 'prompts'>,
  url: string,
  model: string,
): string {
  const to = `${plan.api} requests to ${url} (model ${model})`;
  const think = plan.thinkTime ? `, think time ${describeThinkTime(plan.thinkTime)}` : '';
  const cap = plan.concurrency;
  // The users are the closed loop's slots (a sweep's stage sets them as its concurrency).
  if (plan.users !== undefined) return `llmperf: ${cap} user${cap === 1 ? '' : 's'} (conversation loops${think}) sending ${to}`;
  if (plan.datasetKind === 'trace') {
    const count = Math.min(config.requests ?? Infinity, config.prompts.length);
    const speed = Number(plan.workloadConfig?.replay_speed ?? 1);
    const inFlight = plan.capGiven ? `capped at ${cap} (-c)` : count <= cap ? 'unbounded' : `capped at ${cap} (the open-file limit; -c sets another)`;
    return `llmperf: replaying ${count} ${to.replace(' to ', ` at their recorded times (x${speed} speed) to `)}, in flight ${inFlight}`;
  }
  const shape = plan.ratePerS !== null ? `${plan.ratePerS} req/s${plan.capGiven ? ` (at most ${cap} in flight)` : ''}` : `${cap} concurrent`;
  return `llmperf: ${shape}${think ? ` (${think.slice(2)})` : ''} ${to}`;
}
