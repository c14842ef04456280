// Shared by sweep and capacity (API and CLI): load lists, percentages, and the base plan every stage starts from.
import { UsageError } from '../errors.js';
import { parsePositiveNumber } from '../util/parse.js';
import { toRunPlan, type RunFlags, type RunPlan } from '../run/plan.js';

/** `1,2,4,8` into numbers; whole numbers when `integer`. */
export function parseLoadList(text: string, flag: string, integer: boolean): number[] {
  const loads = text.split(',').map((part) => parsePositiveNumber(part.trim(), flag));
  if (integer && loads.some((load) => !Number.isInteger(load))) throw new UsageError(`${flag} ${text}: concurrency values must be whole numbers`);
  return [...new Set(loads)].sort((a, b) => a - b);
}

/** `20%` or `0.2` into 0.2. */
export function parseFraction(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value < 1)) throw new UsageError(`${flag} ${text}: use a percentage below 100%, such as 10% or 0.1`);
  return value;
}

/**
 * The base run plan shared by every stage: the run flags without the load, which each stage sets.
 * When the user bounds stages neither by count nor by time, each stage runs for `defaultStage`.
 */
export function basePlan(flags: RunFlags, defaultStage: string, load: { concurrency?: string; rate?: string }): RunPlan {
  const bounded = flags.requests !== undefined || flags.duration !== undefined;
  return toRunPlan({ ...flags, ...load, duration: bounded ? flags.duration : defaultStage });
}
