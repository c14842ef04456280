// --users and --think-time checked against the workload: what a run of conversation loops needs, or one line why not.
import { UsageError } from '../errors.js';
import type { Prompt } from './prompts.js';
import { parseThinkTime, type ThinkTimeSpec } from './think-time.js';

/** What a run plan carries for users and think time (absent: a plain closed or open loop). */
export interface UsersPlanFields {
  /** --users N: concurrency is N users, each a conversation loop. */
  users?: number;
  thinkTime?: ThinkTimeSpec;
}

/**
 * `users` is --users already parsed (its conflicts with -c and --rate are checked where those are). A think time
 * needs something to pause between: a conversation's turns (--dataset multi-turn), or a user's requests (--users).
 */
export function usersPlan(flags: { thinkTime?: string }, users: number | undefined, prompts: readonly Prompt[]): UsersPlanFields {
  const fields: UsersPlanFields = users === undefined ? {} : { users };
  if (flags.thinkTime === undefined) return fields;
  const spec = parseThinkTime(flags.thinkTime);
  const multiTurn = prompts.some((prompt) => prompt.turns !== undefined && prompt.turns.length > 0);
  if (!multiTurn && users === undefined) {
    throw new UsageError(`--think-time ${flags.thinkTime}: a pause needs a next turn; use --dataset multi-turn, or --users N (each user pauses between its requests)`);
  }
  if (spec.kind === 'data' && !prompts.some((prompt) => prompt.thinkTimesMs !== undefined)) {
    throw new UsageError('--think-time data: no record of the dataset carries pauses; add "think_time_s" or message "timestamp"s (docs/workloads.md), or give a distribution such as normal:5s,2s');
  }
  return { ...fields, thinkTime: spec };
}
