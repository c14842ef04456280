// Connects a run (or a sweep's stage) to its live session: opens one for a plain run, reuses a sweep's shared one.
import { basename } from 'node:path';
import { VERSION } from '../engine/result.js';
import { redact } from '../util/redact.js';
import type { LivePlan } from './options.js';
import { LiveSession } from './session.js';

/** The plan fields the link reads (RunPlan has them). */
export interface LivePlanFields {
  live?: LivePlan;
  /** A sweep or capacity search opens one session for all its stages and passes it in; the stage is then labelled. */
  liveSession?: LiveSession | null;
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

export async function linkLive(plan: LivePlanFields, model: string, baseUrl: string, notice?: (text: string) => void): Promise<RunLive> {
  if (plan.liveSession) {
    return { session: plan.liveSession, stage: plan.outDir ? basename(plan.outDir) : '', close: async () => {} };
  }
  const session = plan.live ? await LiveSession.open(plan.live, { model, target: safeTarget(baseUrl), version: VERSION }) : null;
  if (session?.url) notice?.(`Live metrics: ${session.url} (run_id ${session.runId})`);
  if (session !== null && plan.live?.otlpEndpoint) notice?.(`OTLP export to ${plan.live.otlpEndpoint} (run_id ${session.runId})`);
  return { session, stage: '', close: async (say) => session?.close(say) };
}
