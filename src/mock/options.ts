// The simulator's options: defaults, and validation into one typed config at the edge.
import { UsageError } from '../errors.js';

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
}

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
  return Object.freeze(merged);
}
