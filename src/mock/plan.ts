// How many tokens a response gets: the simulated EOS, max_tokens, ignore_eos and min_tokens.
import type { MockConfig } from './options.js';

/** The length decision for one request, exported so tests compute the same answer. */
export interface OutputPlan {
  tokens: number;
  finishReason: 'stop' | 'length';
}

export interface PlanOptions {
  /** Accept max_tokens 0 (echo scoring asks for the prompt's log-probabilities only). */
  allowZero?: boolean;
  /** A scripted reply of this many tokens replaces the generated text (its end is the EOS). */
  scriptedTokens?: number;
}

function optionalInt(body: Record<string, unknown>, key: string): number | undefined | string {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${key} must be a non-negative integer`;
  return v;
}

/**
 * The simulated model "emits EOS" after `outputTokens` (or at the end of a scripted reply):
 *   n = min(natural, max_tokens)                       normally
 *   n = max_tokens (or natural if absent)              with ignore_eos: true (not for scripted replies)
 *   n = max(n, min(min_tokens, max_tokens))            when min_tokens is given (not for scripted replies)
 * finish_reason is "length" when n reached max_tokens, else "stop".
 * `max_completion_tokens` takes precedence over `max_tokens`. Returns an error message for bad values.
 */
export function planOutput(config: Pick<MockConfig, 'outputTokens'>, body: Record<string, unknown>, options: PlanOptions = {}): OutputPlan | string {
  const maxCompletion = optionalInt(body, 'max_completion_tokens');
  const maxTokens = optionalInt(body, 'max_tokens');
  const minTokens = optionalInt(body, 'min_tokens');
  for (const v of [maxCompletion, maxTokens, minTokens]) if (typeof v === 'string') return v;
  const max = (maxCompletion ?? maxTokens) as number | undefined;
  if (max === 0 && !options.allowZero) return 'max_tokens must be at least 1';
  const cap = max ?? Infinity;
  if (options.scriptedTokens !== undefined) {
    const n = Math.min(options.scriptedTokens, cap);
    return { tokens: n, finishReason: n < options.scriptedTokens ? 'length' : 'stop' };
  }
  let n = body.ignore_eos === true ? (max ?? config.outputTokens) : Math.min(config.outputTokens, cap);
  if (typeof minTokens === 'number') n = Math.max(n, Math.min(minTokens, cap));
  return { tokens: n, finishReason: max !== undefined && n >= max ? 'length' : 'stop' };
}
