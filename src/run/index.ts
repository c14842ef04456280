// One load run as a library: the validated plan, the run itself, and how a caller follows and steers it.
export { toRunPlan, DEFAULT_OUTPUT_TOKENS, type RunFlags, type RunPlan } from './plan.js';
export { executeRun, startSharedServer, type RunOutput, type SharedServer } from './execute.js';
export type { RunHooks, RunProgress } from './hooks.js';
