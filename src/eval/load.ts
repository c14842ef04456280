// Loads the chosen benchmarks from --data-dir (default: the shipped samples) and applies --limit.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { NeedleOptions } from './benchmarks/needle.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from './types.js';

/** The samples shipped in the package (prompts/eval/<benchmark>/): tiny, self-written, not the real benchmarks. */
export function shippedDataDir(): string {
  return fileURLToPath(new URL('../../prompts/eval/', import.meta.url));
}

/**
 * At most `limit` items, taken round-robin across subsets in file order, so `--limit 5` on MMLU covers five
 * subjects rather than five questions of the first one. Same input, same selection.
 */
export function limitItems(items: readonly EvalItem[], limit: number | null): EvalItem[] {
  if (limit === null || items.length <= limit) return [...items];
  const bySubset = new Map<string, EvalItem[]>();
  for (const item of items) (bySubset.get(item.subset) ?? bySubset.set(item.subset, []).get(item.subset)!).push(item);
  const queues = [...bySubset.values()];
  const picked = new Set<EvalItem>();
  for (let round = 0; picked.size < limit; round++) {
    for (const q of queues) {
      if (picked.size >= limit) break;
      if (round < q.length) picked.add(q[round]!);
    }
  }
  return items.filter((i) => picked.has(i));
}

export interface LoadedSet {
  benchmark: Benchmark;
  loaded: LoadedBenchmark;
}

export async function loadBenchmarks(benchmarks: readonly Benchmark[], dataDir: string | null, options: { limit: number | null; seed: number; fewShot?: number | null; needle?: NeedleOptions }): Promise<LoadedSet[]> {
  const root = dataDir ?? shippedDataDir();
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--data-dir ${root}: folder not found`);
  const out: LoadedSet[] = [];
  for (const benchmark of benchmarks) {
    const dir = benchmark.folder === null ? null : join(root, benchmark.folder);
    const loaded = await benchmark.load(dir, { seed: options.seed, limit: options.limit, fewShot: options.fewShot ?? null, needle: options.needle });
    if (loaded.items.length === 0) throw new UsageError(`${benchmark.name}: no items found in ${dir}`);
    out.push({ benchmark, loaded: { ...loaded, items: limitItems(loaded.items, options.limit) } });
  }
  return out;
}
