// Stage isolation: each stage of a sweep or capacity search (and the warm-up) sends prompts no earlier stage sent.
import type { RunPlan } from '../run/index.js';
import { shuffled } from '../engine/request-body.js';
import type { RequestRecord } from '../metrics/schema.js';
import type { Prompt } from '../workload/prompts.js';

/**
 * The seed of stage `index` (0 = the warm-up), derived from --seed: a different prompt set, prompt
 * order and arrival schedule per stage, the same ones for the same --seed. A 32-bit mix (splitmix-like)
 * so neighbouring seeds and stages do not give related streams.
 */
export function stageSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Makes `count` fresh synthetic prompts for a seed (`--dataset random`); null for file datasets. */
export type PromptGenerator = (seed: number, count: number) => Prompt[];

/** What a stage's prompts were, as sweep.json / capacity.json record it. */
export interface StagePromptInfo {
  seed: number;
  /** `generated`: synthetic prompts made from the stage seed; `file`: a slice of the dataset file. */
  source: 'generated' | 'file';
  /** Prompts the stage was given. */
  prompts: number;
  /** True when the file had too few unused prompts left, and this stage was given ones earlier stages sent. */
  reused: boolean;
}

/** Requests a stage is expected to send, when that is known ahead (null: a closed loop bounded by time). */
export function expectedRequests(plan: RunPlan): number | null {
  if (plan.requests !== null) return plan.requests + plan.warmupRequests;
  if (plan.ratePerS !== null && plan.durationMs !== null) return Math.ceil((plan.ratePerS * plan.durationMs) / 1000 * 1.1 + 10) + plan.warmupRequests;
  return null;
}

/**
 * Hands out prompts stage by stage. Generated datasets get new prompts from each stage's seed. A file
 * dataset is one pool: each stage is given the prompts no stage has sent yet, and after it ran, the ones
 * it actually sent (known from its request indexes and the engine's seeded order) leave the pool. When
 * fewer unused prompts remain than a stage will send, the stage starts over on the whole file (flagged
 * `reused`, with a warning): repeating is then unavoidable, and a prefix cache may flatter that stage.
 */
export class StagePrompts {
  private pool: Prompt[];
  private readonly warned = new Set<string>();

  constructor(
    private readonly all: Prompt[],
    private readonly generate: PromptGenerator | null,
    private readonly warn: (text: string) => void = () => {},
  ) {
    this.pool = [...all];
  }

  /** The prompts for the stage about to run with `plan` (already carrying the stage seed). */
  forStage(plan: RunPlan): { prompts: Prompt[]; info: StagePromptInfo } {
    const need = expectedRequests(plan);
    if (this.generate !== null) {
      // One prompt per request up to 10,000, as a single run makes them; beyond, they repeat within the stage only.
      const count = Math.max(1, Math.min(10_000, need ?? 1000));
      const prompts = this.generate(plan.seed, count);
      return { prompts, info: { seed: plan.seed, source: 'generated', prompts: prompts.length, reused: false } };
    }
    let reused = false;
    if (this.pool.length === 0 || (need !== null && need > this.pool.length && this.pool.length < this.all.length)) {
      reused = true;
      this.pool = [...this.all];
      this.warnOnce(
        'reuse',
        `The dataset has ${this.all.length} prompts, too few for every stage to send unused ones: stages from here on send prompts earlier stages sent, and a server's prefix cache may flatter them. Use a larger file, --dataset random, or --reset-cache.`,
      );
    }
    return { prompts: this.pool, info: { seed: plan.seed, source: 'file', prompts: this.pool.length, reused } };
  }

  /**
   * After a stage ran: removes from the pool the prompts it sent. The engine sends request i the prompt at
   * i mod n of its seeded shuffle of what it was given; the records give the indexes it reached.
   */
  consumed(given: Prompt[], seed: number, records: readonly Pick<RequestRecord, 'index'>[]): void {
    if (this.generate !== null || given.length === 0) return;
    const order = shuffled(given, seed);
    const used = new Set<Prompt>();
    // Multi-turn records are numbered per turn, not per conversation: count conversations as at most the records.
    if (given.some((prompt) => prompt.turns !== undefined)) for (const prompt of order.slice(0, records.length)) used.add(prompt);
    else for (const record of records) {
      used.add(order[record.index % order.length]!);
      if (used.size === order.length) break;
    }
    this.pool = this.pool.filter((prompt) => !used.has(prompt));
  }

  private warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(text);
  }
}
