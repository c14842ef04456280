// Connects a run (or a sweep's stage) to its live session: opens one for a plain run, reuses a sweep's shared one.
import { basename } from 'node:path';
import { VERSION } from '../engine/result.js';
import { redact } from '../util/redact.js';
import type { LivePlan } from './options.js';
import { LiveSession } from './session.js';

/** The plan fields the link reads (RunPlan has them). */
export interface LivePlanFields {
  live?: LivePlan;
  outDir?: string;
}

export interface RunLive {
  session: LiveSession | null;
  stage: string;
  /** Closes the session if this run opened it (a shared one is closed by its opener). */
  close(notice?: (text: string) => void): Promise<void>;
}

/** The target as resource attribute and label: origin and path, never credentials or query parameters. */
export function safeTarget(baseUrl: string): string {
  const url = new URL(baseUrl);
  return redact(`${url.origin}${url.pathname}`.replace(/\/+$/, ''));
}

/** Opens the plan's live session (null when it exports nothing) and says where it is. */
export async function openLive(plan: LivePlanFields, baseUrl: string, model: string | undefined, notice?: (text: string) => void, runId?: string): Promise<LiveSession | null> {
  const session = plan.live ? await LiveSession.open(plan.live, { model, target: safeTarget(baseUrl), version: VERSION, runId }) : null;
  if (session?.url) notice?.(`Live metrics: ${session.url} (run_id ${session.runId})`);
  if (session !== null && plan.live?.otlpEndpoint) notice?.(`OTLP export to ${plan.live.otlpEndpoint} (run_id ${session.runId})`);
  return session;
}

/**
 * A plain run opens its own session; a sweep's or capacity search's stage gets the one session its
 * shared server opened (`shared`), so one run id spans the stages and each stage's series carry
 * `stage=<its folder name>` (concurrency-16, warmup...).
 */
export async function linkLive(plan: LivePlanFields, model: string, baseUrl: string, notice?: (text: string) => void, shared?: LiveSession | null, runId?: string): Promise<RunLive> {
  if (shared) return { session: shared, stage: plan.outDir ? basename(plan.outDir) : '', close: async () => {} };
  // A plain run's series carry the result's own run_id, so a result and its Prometheus series find each other.
  const session = await openLive(plan, baseUrl, model, notice, runId);
  return { session, stage: '', close: async (say) => session?.close(say) };
}
