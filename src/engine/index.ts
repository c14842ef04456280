// The load engine: scheduler, client, stream decoding and recording; the hot path lives here.
export { LoadRun, runLoad, buildBody } from './run.js';
export type { LoadConfig, RunHooks, RunOutcome } from './run.js';
export { buildResult, configDocument, clientHealth, VERSION } from './result.js';
export { runJobs } from './jobs.js';
export type { Job, JobOutcome } from './jobs.js';
export { resolveTarget, normalizeBaseUrl, discoverModel, apiPath } from './target.js';
export type { Target, ApiKind } from './target.js';
export { RequestLog, REQUEST_CSV_COLUMNS } from './request-log.js';
export { RequestState, SseDecoder } from './stream.js';
export { Recorder } from './recorder.js';
