// The simulator's options: defaults, and validation into one typed config at the edge.
import { UsageError } from '../errors.js';
import { FAULT_KINDS, type FaultSpec } from './faults/types.js';

/** Everything the simulator can be told. Times in milliseconds. */
export interface MockOptions {
  /** Interface to bind; loopback unless the user says otherwise. */
  host: string;
  /** TCP port; 0 picks a free ephemeral port. */
  port: number;
  /** Prefill time: from admission into a slot to the first token. */
  ttftMs: number;
  /** Base interval between tokens of one sequence when it decodes alone. */
  itlMs: number;
  /** Natural response length (the point where the simulated model emits EOS). */
  outputTokens: number;
  /** Most sequences decoding at once; more wait in a FIFO queue (seen as TTFT). */
  slots: number;
  /**
   * How much each extra active sequence slows every sequence's token interval:
   * itlEffectiveMs = itlMs * (1 + contention * (active - 1) / slots). 0 = no slowdown.
   */
  contention: number;
  /** Seeds the generated text (and, later, fault decisions). */
  seed: number;
  /** The model id served by /v1/models and echoed in responses. */
  model: string;
  /** llama.cpp behaviour: advertise keep-alive, then close the connection after each response. */
  closeAfterResponse: boolean;
  /** Chat streams send this many reasoning tokens before the content (0 = not a reasoning model). */
  reasoningTokens: number;
  /** The delta field reasoning tokens go in: vLLM's `reasoning_content` (older) or `reasoning` (newer). */
  reasoningField: 'reasoning_content' | 'reasoning';
  /** Length of /v1/embeddings vectors unless the request asks for `dimensions`. */
  embeddingDim: number;
  /** Injected faults, each a kind and the share of requests (0..1) it hits; decided per request, seeded. */
  faults: FaultSpec[];
  /** How long the `slow-headers` fault holds back the response headers. */
  slowHeadersMs: number;
  /**
   * Prefix cache size in tokens (0 = no prefix cache, the default): with one, repeated leading 16-token blocks are
   * reported in usage.prompt_tokens_details.cached_tokens and shorten the prefill (prefix-cache.ts states the rule).
   */
  prefixCacheTokens: number;
  /** Prefill time each image token adds (the vision encoder), ms; images.ts states the token rule. */
  imageTokenMs: number;
  /** Record each event's send time per request (bounded) for timing-fidelity checks. */
  recordSendTimes: boolean;
  /**
   * Speculative decoding: draft tokens proposed per decode step (0 = off). Each is accepted with probability
   * `specAccept`, in order, until the first rejection; the step streams accepted + 1 tokens in one event (speculative.ts).
   */
  specTokens: number;
  /** Probability that a draft token is accepted (seeded), 0..1. */
  specAccept: number;
  /**
   * Test double for evals: when the last user message (or the completions prompt) contains `match`, the
   * reply is `correct` with probability `answerAccuracy` (decided once per match, seeded), else `incorrect`.
   */
  answerKey: AnswerKeyEntry[];
  answerAccuracy: number;
  /**
   * Comply mode for attack probes (answer-key entries marked `probe`): with this probability (decided once per
   * match, seeded) the reply is the entry's `incorrect` one (what the attacker wants), else SIM_REFUSAL.
   * null = probes follow `answerAccuracy` like every other entry.
   */
  complyRate: number | null;
  /** Test double for judges: how a pairwise or single-grade judge prompt is answered (null = not a judge). */
  judgeRule: JudgeRule | null;
  /**
   * Requests carrying tools (tool_choice not none) get a tool call whose arguments follow the tool's parameters
   * schema; requests with a json_schema response format get an answer in that schema. These shares (0..1) of them
   * are broken on purpose, seeded (cut short: not JSON; or a schema violation), and counted in the stats.
   */
  toolInvalidRate: number;
  schemaInvalidRate: number;
}

export interface AnswerKeyEntry {
  match: string;
  correct: string;
  incorrect: string;
  /** An attack probe (instruction induction or injection): answered by comply mode when `complyRate` is set. */
  probe?: boolean;
}

/** longer: the longer answer wins; first / second: always the answer shown first / second. */
export type JudgeRule = 'longer' | 'shorter' | 'first' | 'second';
export const JUDGE_RULES: readonly JudgeRule[] = ['longer', 'shorter', 'first', 'second'];

export const MOCK_DEFAULTS: Readonly<MockOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 8000,
  ttftMs: 50,
  itlMs: 10,
  outputTokens: 64,
  slots: 64,
  contention: 0.1,
  seed: 0,
  model: 'llmperf-sim',
  closeAfterResponse: false,
  reasoningTokens: 0,
  reasoningField: 'reasoning_content',
  embeddingDim: 384,
  faults: [],
  slowHeadersMs: 2000,
  recordSendTimes: false,
  specTokens: 0,
  specAccept: 0.7,
  prefixCacheTokens: 0,
  imageTokenMs: 0.02,
  answerKey: [],
  answerAccuracy: 1,
  complyRate: null,
  judgeRule: null,
  toolInvalidRate: 0,
  schemaInvalidRate: 0,
});

/** The validated, complete configuration the server runs with. */
export type MockConfig = Readonly<MockOptions>;

function checkNumber(name: string, value: unknown, min: number, integer: boolean, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UsageError(`simulator option ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new UsageError(`simulator option ${name} must be a whole number, got ${value}`);
  }
  if (value < min || value > max) {
    throw new UsageError(`simulator option ${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Fills defaults and validates; throws UsageError with one line saying what is wrong. */
export function resolveMockOptions(options: Partial<MockOptions> = {}): MockConfig {
  const merged: MockOptions = { ...MOCK_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (typeof merged.host !== 'string' || merged.host.length === 0) {
    throw new UsageError('simulator option host must be a non-empty string such as 127.0.0.1');
  }
  if (typeof merged.model !== 'string' || merged.model.length === 0) {
    throw new UsageError('simulator option model must be a non-empty string');
  }
  checkNumber('port', merged.port, 0, true, 65535);
  checkNumber('ttftMs', merged.ttftMs, 0, false, 3_600_000);
  checkNumber('itlMs', merged.itlMs, 0, false, 3_600_000);
  checkNumber('outputTokens', merged.outputTokens, 1, true, 1_000_000);
  checkNumber('slots', merged.slots, 1, true, 1_000_000);
  checkNumber('contention', merged.contention, 0, false, 1000);
  checkNumber('seed', merged.seed, 0, true, 2 ** 32 - 1);
  merged.closeAfterResponse = Boolean(merged.closeAfterResponse);
  merged.recordSendTimes = Boolean(merged.recordSendTimes);
  checkNumber('reasoningTokens', merged.reasoningTokens, 0, true, 1_000_000);
  if (merged.reasoningField !== 'reasoning_content' && merged.reasoningField !== 'reasoning') {
    throw new UsageError(`simulator option reasoningField must be reasoning_content or reasoning, got ${JSON.stringify(merged.reasoningField)}`);
  }
  checkNumber('embeddingDim', merged.embeddingDim, 1, true, 65536);
  checkNumber('prefixCacheTokens', merged.prefixCacheTokens, 0, true, 1_000_000_000);
  checkNumber('imageTokenMs', merged.imageTokenMs, 0, false, 60_000);
  checkNumber('slowHeadersMs', merged.slowHeadersMs, 0, false, 3_600_000);
  checkNumber('answerAccuracy', merged.answerAccuracy, 0, false, 1);
  checkNumber('specTokens', merged.specTokens, 0, true, 64);
  checkNumber('specAccept', merged.specAccept, 0, false, 1);
  checkNumber('toolInvalidRate', merged.toolInvalidRate, 0, false, 1);
  checkNumber('schemaInvalidRate', merged.schemaInvalidRate, 0, false, 1);
  if (merged.complyRate !== null) checkNumber('complyRate', merged.complyRate, 0, false, 1);
  if (!Array.isArray(merged.faults)) throw new UsageError('simulator option faults must be a list of {kind, rate}');
  for (const f of merged.faults) {
    if (!f || !FAULT_KINDS.includes(f.kind)) {
      throw new UsageError(`unknown fault kind ${JSON.stringify(f?.kind)}; known kinds: ${FAULT_KINDS.join(', ')}`);
    }
    checkNumber(`fault ${f.kind} rate`, f.rate, 0, false, 1);
  }
  if (!Array.isArray(merged.answerKey)) throw new UsageError('simulator option answerKey must be a list of {match, correct, incorrect}');
  merged.answerKey.forEach((e, i) => {
    if (!e || typeof e.match !== 'string' || e.match === '' || typeof e.correct !== 'string' || typeof e.incorrect !== 'string') {
      throw new UsageError(`answer key entry ${i + 1} needs non-empty "match" and string "correct" and "incorrect"`);
    }
  });
  if (merged.judgeRule !== null && !JUDGE_RULES.includes(merged.judgeRule)) {
    throw new UsageError(`simulator option judgeRule must be one of ${JUDGE_RULES.join(', ')}, got ${JSON.stringify(merged.judgeRule)}`);
  }
  return Object.freeze(merged);
}
