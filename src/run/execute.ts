// One whole load run: resolve the target (or start the built-in simulator), run the load, write the result and reports.
import { join } from 'node:path';
import { LoadRun, type LoadConfig } from '../engine/run.js';
import { WorkerRun } from '../engine/workers/pool.js';
import { checkFileLimit } from '../engine/fd-limit.js';
import { buildResult } from '../engine/result.js';
import { RequestLog } from '../engine/request-log.js';
import { Agent, request } from 'undici';
import { apiPath, discoverModel, readModelList, requestHeaders, type ApiKind, type Target } from '../engine/target.js';
import { TargetError, UsageError } from '../errors.js';
import type { RequestRecord, ResultDocument } from '../metrics/schema.js';
import { startMockInWorker, type MockServer } from '../mock/index.js';
import { evaluateSlos, requestMeetsSlos } from '../metrics/slo.js';
import { readRequestRecords, writeReports } from '../report/index.js';
import { loadHeader } from './load-shape.js';
import { redactUrl, registerSecrets, secretsOf } from '../util/redact.js';
import { ClusterRun } from '../cluster/run-extras.js';
import { freshOutDir, makeOutDir, newRunId, refuseReuse } from '../util/out-dir.js';
import { clusterSections } from '../cluster/report-sections.js';
import type { RunPlan } from './plan.js';
import { watchProgress, type RunHooks } from './hooks.js';
import { linkLive, openLive } from '../live/run-link.js';
import type { LiveSession } from '../live/session.js';
import { gpuEnergy } from '../live/energy.js';
import { formatModelMix } from '../workload/model-mix.js';

/**
 * The most streams a run can hold open: the concurrency, or in an open loop also what can arrive within
 * one request timeout (every request ends by then), with room for Poisson and gamma bursts. So the default
 * open-loop cap (10,000) does not fail the open-file check for `--rate 20`, which never nears it.
 */
function streamsAtMost(plan: RunPlan): number {
  if (plan.ratePerS === null) return plan.concurrency;
  const perTimeout = (plan.ratePerS * plan.timeoutMs) / 1000;
  return Math.min(plan.concurrency, Math.ceil(perTimeout * 2 + 64));
}

/**
 * The output folder is user input: one that cannot be created or written is a usage error, found before any load,
 * and one holding another run's results is refused unless --overwrite was given.
 */
function openRequestLog(outDir: string, runId: string, overwrite: boolean): RequestLog {
  refuseReuse(outDir, overwrite);
  makeOutDir(outDir);
  try {
    return new RequestLog(join(outDir, 'requests.csv'), runId);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`--out ${outDir}: cannot write there (${code}); choose a folder you can write to`);
  }
}

/**
 * Pre-flight: GET /v1/models once, honouring --insecure. Any HTTP answer (even 404) proves the server is there; only a
 * failure to connect stops the run, with one line naming the URL (exit 3), before any load is sent. Returns the first
 * model id when the server lists one (model discovery), else null.
 */
async function preflight(target: Omit<Target, 'model'>, rejectUnauthorized: boolean, readList = true, api?: ApiKind): Promise<string | null> {
  const url = new URL(apiPath(target.baseUrl, 'models'), target.baseUrl);
  const dispatcher = new Agent({ connect: { rejectUnauthorized, timeout: 10_000 } });
  try {
    const response = await request(url, { method: 'GET', headers: requestHeaders({ ...target, model: '' }, api), dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000 });
    // With --model the answer only proves the server is there: its body is not read (dump stops at 256 KB).
    if (response.statusCode !== 200 || !readList) {
      await response.body.dump().catch(() => {});
      return null;
    }
    return await readModelList(response.body, url.origin);
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    if (/CERT|SELF_SIGNED|ERR_TLS/i.test(code)) {
      throw new TargetError(`${url.origin}: the server's TLS certificate is not trusted (${code}); pass --insecure if you trust this server`);
    }
    throw new TargetError(`${url.origin}: cannot reach the server (${code}); check --url and that the server is running`);
  } finally {
    await dispatcher.close().catch(() => {});
  }
}

function defaultOutDir(model: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('reports', `${stamp}-${model.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}`);
}

/** Starts the built-in simulator in a worker thread when no --url was given. */
async function resolveServer(plan: RunPlan, hooks: RunHooks): Promise<{ baseUrl: string; simulator: MockServer | null }> {
  if (plan.baseUrl !== null) return { baseUrl: plan.baseUrl, simulator: null };
  // A --model mix: the simulator serves every name of it (and refuses others, as a real server does).
  const models = plan.models ? { models: plan.models.map((m) => m.name) } : {};
  const simulator = await startMockInWorker({ port: 0, seed: plan.seed, ...definedOnly(plan.simulator), ...models });
  hooks.onNotice?.(`No --url given: running against the built-in simulator at ${simulator.url} (a simulated server, not a model).`);
  return { baseUrl: simulator.url, simulator };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A server started once and shared by several runs (the stages of a sweep or a capacity search). */
export interface SharedServer {
  baseUrl: string;
  simulated: boolean;
  /** The stages' one live session (--metrics-port, --otlp-endpoint), closed with the server. */
  live?: LiveSession | null;
}

/** Starts the built-in simulator when the plan has no URL; the caller closes it. */
export async function startSharedServer(plan: RunPlan, hooks: RunHooks = {}): Promise<{ server: SharedServer; close: () => Promise<void> }> {
  const { baseUrl, simulator } = await resolveServer(plan, hooks);
  const live = await openLive(plan, baseUrl, plan.model, hooks.onNotice);
  const close = async () => {
    await live?.close(hooks.onNotice);
    await simulator?.close();
  };
  return { server: { baseUrl, simulated: simulator !== null, live }, close };
}

/** What a run leaves behind: the result document, and where its files went. */
export interface RunOutput {
  result: ResultDocument;
  outDir: string;
  /** Files written by the reports (requests.csv, written during the run, is not listed). */
  files: string[];
}

/**
 * Runs the whole load test of a validated plan: no printing, no process signals, no exit. Messages a
 * user should see go to `hooks.onNotice`; `hooks.signal` stops sending (in-flight requests get the
 * plan's grace period), `hooks.cancelSignal` cancels in-flight requests at once.
 */
export async function executeRun(plan: RunPlan, shared?: SharedServer, hooks: RunHooks = {}): Promise<RunOutput> {
  // Known before anything can fail, so every message printed from here on is redacted (main.ts's error printer too).
  registerSecrets(secretsOf({ apiKey: plan.apiKey, headers: plan.headers, baseUrl: plan.baseUrl ?? undefined }));
  for (const replica of plan.replicas ?? []) registerSecrets(secretsOf({ baseUrl: replica }));
  // Too few file descriptors for the streams: one clear line now, not EMFILE errors mid-run.
  checkFileLimit(streamsAtMost(plan), shared ? shared.simulated : plan.baseUrl === null);
  const { baseUrl, simulator } = shared ? { baseUrl: shared.baseUrl, simulator: null } : await resolveServer(plan, hooks);
  const simulated = shared ? shared.simulated : simulator !== null;
  try {
    const partial: Omit<Target, 'model'> = { baseUrl, apiKey: plan.apiKey, headers: plan.headers, timeoutMs: plan.timeoutMs };
    // Model discovery doubles as the pre-flight check: an unreachable server fails here, before any load.
    // The pre-flight doubles as model discovery; discoverModel is left only to explain a server that lists no model.
    // Anthropic's GET /v1/models takes the key as --api messages sends it (x-api-key), not as a bearer token.
    const listed = await preflight(partial, plan.rejectUnauthorized, plan.model === undefined, plan.api);
    // Every replica must answer before any load: a typo in the third --url is found now, not as a third of the run failing.
    // (A shared server of a sweep or capacity search is the plan's first replica: the stages spread over all of them too.)
    const replicas = plan.replicas && baseUrl === plan.baseUrl ? plan.replicas : undefined;
    for (const replica of (replicas ?? []).slice(1)) await preflight({ ...partial, baseUrl: replica }, plan.rejectUnauthorized, false, plan.api);
    const model = plan.model ?? listed ?? (await discoverModel(partial));
    const cluster = new ClusterRun(plan, (text) => hooks.onNotice?.(text));
    const config: LoadConfig = {
      target: { ...partial, model },
      api: plan.api,
      stream: plan.stream,
      concurrency: plan.concurrency,
      requests: plan.requests,
      durationMs: plan.durationMs,
      ratePerS: plan.ratePerS,
      prompts: plan.prompts,
      outputTokens: plan.outputTokens,
      extraBody: plan.extraBody,
      timeoutMs: plan.timeoutMs,
      idleTimeoutMs: plan.idleTimeoutMs,
      maxEventBytes: plan.maxEventBytes,
      seed: cluster.seed,
      warmupRequests: plan.warmupRequests,
      rejectUnauthorized: plan.rejectUnauthorized,
      preconnect: plan.preconnect,
      retries: plan.retries,
      cancel: plan.cancel,
      arrival: plan.arrival,
      burstiness: plan.burstiness,
      rampUpMs: plan.rampUpMs,
      ignoreEos: plan.ignoreEos,
      continuousUsage: plan.continuousUsage,
      ...(plan.packageTokenizer !== undefined ? { packageTokenizer: plan.packageTokenizer } : {}),
      countTokens: plan.tokenCounter?.count,
      tools: plan.tools,
      toolChoice: plan.toolChoice,
      responseFormat: plan.responseFormat,
      ...(plan.users !== undefined ? { users: true } : {}),
      ...(plan.thinkTime !== undefined ? { thinkTime: plan.thinkTime } : {}),
      ...(plan.models ? { models: plan.models } : {}),
      ...(replicas ? { replicas, balance: plan.balance, sessionAffinity: plan.sessionAffinity } : {}),
    };
    // The run exists before the shared instant so that it can open its connections and warm up before it (the hooks
    // are filled in below; the engine reads them only when requests end).
    const engineHooks: { onRecord?: (record: RequestRecord) => void } = {};
    // --workers: the same run split over engine threads, merged into one outcome of the same form.
    const run = plan.workers > 1 ? new WorkerRun(config, plan.workers, engineHooks) : new LoadRun(config, engineHooks);
    // With --start-at only (a shard waiting for its start): a plain run opens them at its start, as before.
    if (plan.startAtEpochMs != null && run instanceof LoadRun) await run.prepare();
    // --start-at: every shard has passed its pre-flight check and opened its connections; now they wait for the shared instant.
    await cluster.beforeStart();
    const startedAt = new Date();
    const outDir = plan.outDir ?? freshOutDir(defaultOutDir(plan.models ? plan.models.map((m) => m.name).join('+') : model, startedAt));
    const runId = newRunId(startedAt);
    // --metrics-port / --otlp-endpoint: fed at request end and once a second, never per chunk. Opened first: a port in use is a usage error before anything is written.
    const live = await linkLive({ ...plan, outDir }, model, baseUrl, hooks.onNotice, shared?.live, runId);
    try {
    const requestLog = openRequestLog(outDir, runId, plan.overwrite === true);
    // Goodput (vLLM's --goodput, DistServe): succeeded, non-warm-up requests meeting every per-request SLO.
    const perRequestSlos = plan.slos.filter((slo) => slo.per_request);
    let metEverySlo = 0;
    engineHooks.onRecord = (record: RequestRecord) => {
      requestLog.append(record);
      live.session?.record(record);
      if (record.ok && record.index >= plan.warmupRequests && perRequestSlos.length > 0 && requestMeetsSlos(record, perRequestSlos)) {
        metEverySlo++;
      }
    };
    if (plan.workers > 1) hooks.onNotice?.(`Engine on ${plan.workers} worker threads.`);
    const expected = plan.requests === null || plan.datasetKind === 'multi-turn' ? null : plan.requests + plan.warmupRequests;
    if (plan.skippedRecords && plan.skippedRecords.length > 0) {
      hooks.onNotice?.(`Dataset: skipped ${plan.skippedRecords.length} record(s) without a usable turn, e.g. ${plan.skippedRecords.slice(0, 3).join('; ')}`);
    }
    const target = replicas ? `${replicas.length} replicas (${plan.balance}${plan.sessionAffinity ? ', session affinity' : ''}): ${replicas.map(redactUrl).join(', ')}` : redactUrl(baseUrl);
    hooks.onNotice?.(loadHeader(plan, config, target, plan.models ? formatModelMix(plan.models) : model));
    const progress = watchProgress(run, expected, plan.graceMs, hooks);
    live.session?.attach(run, live.stage, model, plan.warmupRequests);
    let outcome;
    try {
      outcome = await run.run();
    } finally {
      progress.stop();
      live.session?.detach();
      requestLog.close();
      cluster.stop();
    }
    const result = buildResult(config, outcome, {
      startedAt,
      endedAt: new Date(),
      simulated,
      runId,
      extraConfig: { prompt_source: plan.promptSource, api_key_env: plan.apiKeyEnv, retries: plan.retries, ...(plan.cancel ? { cancel_rate: plan.cancel.rate, cancel_after_ms: plan.cancel.afterMs } : {}), preconnect: plan.preconnect, ...plan.workloadConfig, ...cluster.extraConfig() },
    });
    await cluster.annotate(result);
    // --server-metrics with a DCGM exporter: energy per output token, mean power and utilisation.
    const gpu = gpuEnergy(result);
    if (gpu !== null) result.gpu = gpu;
    if (live.session !== null) result.live = { ...live.session.document(), ...(live.stage ? { stage: live.stage } : {}) };
    if (perRequestSlos.length > 0) {
      result.summary.goodput = result.summary.duration_s > 0 ? Math.round((metEverySlo / result.summary.duration_s) * 1000) / 1000 : 0;
    }
    if (plan.slos.length > 0) {
      // Per-request thresholds also report the share of requests that met them: read the records back
      // after the run rather than holding every record in memory during it.
      const records = perRequestSlos.length > 0 ? readRequestRecords(join(outDir, 'requests.csv')) : undefined;
      result.slo = evaluateSlos(result, plan.slos, records);
    }
    // result.json always: it is the contract every other command reads.
    const formats = plan.formats.includes('json') ? plan.formats : [...plan.formats, 'json' as const];
    const files = await writeReports(outDir, result, formats, { extraSections: clusterSections(result) });
    return { result, outDir, files };
    } finally {
      // After the reports: the wait for a last scrape (--metrics-linger) does not delay result.json.
      await live.close(hooks.onNotice);
    }
  } finally {
    await simulator?.close();
  }
}
