// --model a:0.7,b:0.3: a weighted mix of models (or LoRA adapters), and the seeded pick of each request's model.
import { UsageError } from '../errors.js';
import { unitHash } from '../util/random.js';

/** One model of a mix and its share of requests (weights are normalised: 7 and 3 mean 70% and 30%). */
export interface ModelShare {
  name: string;
  weight: number;
}

/** A plain number (the weight after the last `:`); anything else after a `:` is part of the name (`llama3:8b`). */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** Text that was clearly meant as a weight but is not a usable one (`a:x` in a weighted mix, `a:`). */
const HOW = 'give each model of a mix a positive weight (a:0.7,b:0.3) or none (a,b: equal shares)';

/**
 * Parses `--model`. One name without a comma is a single model, exactly as before (Ollama's `llama3:8b` included).
 * A comma-separated list is a mix: `NAME:WEIGHT` entries (the weight after the last `:`), or names alone for equal
 * shares; weights must be positive finite numbers, and a list either weights every entry or none.
 */
export function parseModelMix(text: string, flag = '--model'): ModelShare[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${flag}: empty model name; pass a model id such as ${flag} my-model`);
  if (!trimmed.includes(',')) {
    const weighted = splitWeight(trimmed);
    // `a:0.5` alone is a mix of one: its weight says nothing, but a bad one (`a:0`, `a:-1`) is still refused.
    if (weighted !== null) return [{ name: checkName(weighted.name, trimmed, flag), weight: checkWeight(weighted.weight, trimmed, flag) }];
    return [{ name: trimmed, weight: 1 }];
  }
  const entries = trimmed.split(',').map((entry) => entry.trim());
  const parsed = entries.map((entry) => ({ entry, weighted: splitWeight(entry) }));
  const weightedCount = parsed.filter((p) => p.weighted !== null).length;
  const mix: ModelShare[] = [];
  for (const { entry, weighted } of parsed) {
    if (entry === '') throw new UsageError(`${flag} ${trimmed}: an empty entry between commas; ${HOW}`);
    if (weightedCount > 0 && weighted === null) {
      const colon = entry.lastIndexOf(':');
      const what = colon >= 0 ? `"${entry.slice(colon + 1)}" is not a number` : 'it has no weight';
      throw new UsageError(`${flag} ${trimmed}: entry "${entry}": ${what}; ${HOW}`);
    }
    const name = weighted === null ? entry : weighted.name;
    mix.push({ name: checkName(name, trimmed, flag), weight: weighted === null ? 1 : checkWeight(weighted.weight, trimmed, flag) });
  }
  const seen = new Set<string>();
  for (const { name } of mix) {
    if (seen.has(name)) throw new UsageError(`${flag} ${trimmed}: model "${name}" is listed twice; list each model once with its total weight`);
    seen.add(name);
  }
  return mix;
}

function splitWeight(entry: string): { name: string; weight: number } | null {
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return null;
  const tail = entry.slice(colon + 1).trim();
  return NUMBER.test(tail) ? { name: entry.slice(0, colon).trim(), weight: Number(tail) } : null;
}

function checkName(name: string, whole: string, flag: string): string {
  if (name === '') throw new UsageError(`${flag} ${whole}: a weight without a model name; ${HOW}`);
  return name;
}

function checkWeight(weight: number, whole: string, flag: string): number {
  if (!(weight > 0) || !Number.isFinite(weight)) throw new UsageError(`${flag} ${whole}: weight ${weight} is not a positive number; ${HOW}`);
  return weight;
}

/** The mix as a flag value again (`a:0.7,b:0.3`; a single model: its name). */
export function formatModelMix(mix: readonly ModelShare[]): string {
  return mix.length === 1 ? mix[0]!.name : mix.map((m) => `${m.name}:${m.weight}`).join(',');
}

/**
 * The model of each request: a hash of seed and request index against the cumulative weights. The choice depends on
 * nothing else (not send order, not --workers), so the same seed sends the same model for request i every time.
 * Returns a picker from index to the position of the model in the mix; cheap enough to call per request.
 */
export function modelPicker(mix: readonly ModelShare[], seed: number): (index: number) => number {
  if (mix.length <= 1) return () => 0;
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const m of mix) bounds.push((acc += m.weight / total));
  bounds[bounds.length - 1] = 1;
  // A salt apart from --cancel-rate's draw (engine/cancel.ts), so which requests are cancelled does not follow the model.
  const salted = (seed ^ 0x5bd1e995) >>> 0;
  return (index) => {
    const u = unitHash(salted, index);
    let i = 0;
    while (u >= bounds[i]!) i++;
    return i;
  };
}

