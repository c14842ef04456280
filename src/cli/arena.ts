// `llmperf arena --config arena.yaml [--dry-run] [--out DIR]`: judge grading and model-vs-model battles with ratings.
import { join } from 'node:path';
import { Command } from 'commander';
import { loadArenaConfig } from '../eval/arena/config.js';
import { arenaConsole } from '../eval/arena/report-console.js';
import { writeArenaReports } from '../eval/arena/report.js';
import { planArena, runArena } from '../eval/arena/run.js';
import { arenaConfigPath } from '../api/eval.js';
import { parseByteCount, parseDurationMs } from '../util/parse.js';

export interface ArenaFlags {
  config: string;
  dryRun?: boolean;
  out: string;
  cache: boolean;
  quiet?: boolean;
  /** Override the config's timeout_ms and max_response_bytes. */
  timeout?: string;
  maxResponseBytes?: string;
}

/** Default output folder: fixed (not timestamped) so an interrupted or repeated arena reuses its reply cache. */
export const DEFAULT_ARENA_OUT = join('reports', 'arena');

export async function arenaAction(flags: ArenaFlags, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const config = loadArenaConfig(arenaConfigPath(flags.config));
  if (flags.timeout !== undefined) config.timeoutMs = parseDurationMs(flags.timeout, '--timeout');
  if (flags.maxResponseBytes !== undefined) config.maxResponseBytes = parseByteCount(flags.maxResponseBytes, '--max-response-bytes');
  if (flags.dryRun) {
    write(`${planArena(config).text}\n`);
    return 0;
  }
  const log = (line: string): void => {
    if (!flags.quiet) process.stderr.write(`${line}\n`);
  };
  const doc = await runArena(config, { outDir: flags.out, cache: flags.cache, log });
  const written = await writeArenaReports(flags.out, doc);
  write(`${arenaConsole(doc)}\n`);
  log(`wrote ${written.length} files: ${join(flags.out, 'arena.json')}, ${join(flags.out, 'arena.html')}, ${join(flags.out, 'charts')}/arena-*.png`);
  if ([...doc.perf.candidates, doc.perf.judge].some((p) => p.simulated)) log('note: some endpoints were the built-in simulator (a test double): these ratings demonstrate the pipeline, not any model.');
  return 0;
}

export function arenaCommand(): Command {
  return new Command('arena')
    .description('judge grading and the arena: single (1-10 grades), baseline (each model vs one) or pairwise (every pair) with Elo and Bradley-Terry ratings')
    .requiredOption('--config <file>', `arena.yaml naming the candidates, the judge, the questions and the mode(s); "example" or "peer" for the shipped ones (${arenaConfigPath('example')}, ${arenaConfigPath('peer')})`)
    .option('--dry-run', 'print what would be sent and how many requests, sending none')
    .option('--out <dir>', `output folder for arena.json, arena.html, charts/ and the reply cache (default ${DEFAULT_ARENA_OUT})`, DEFAULT_ARENA_OUT)
    .option('--no-cache', 'do not read or write the reply cache')
    .option('--quiet', 'print only the leaderboards')
    .option('--timeout <time>', 'time limit per request, e.g. 90s (default: the config\'s timeout_ms, else 10m)')
    .option('--max-response-bytes <size>', 'a reply longer than this (e.g. 16MiB) ends as response_too_large (default: the config\'s max_response_bytes, else 16MiB)')
    .action(async (flags: ArenaFlags) => {
      process.exitCode = await arenaAction(flags);
    });
}
