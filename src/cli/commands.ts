// The table of commands: what `llmperf --help` lists without loading any of them, and how to load each one.
import type { Command } from 'commander';

export interface CommandEntry {
  /** Positional arguments as the help shows them. */
  args: string[];
  description: string;
  /** Imports the command's module only when it is the one being run (keeps `llmperf --help` fast). */
  load: () => Promise<Command>;
}

export const DEFAULT_COMMAND = 'run';

export const COMMANDS: Record<string, CommandEntry> = {
  run: { args: [], description: 'run a load test (the default command)', load: async () => (await import('./run-command.js')).runCommand() },
  mock: {
    args: [],
    description: 'run the built-in simulated OpenAI-compatible server (a serving-engine model: slots, queueing, paced tokens)',
    load: async () => (await import('./mock.js')).mockCommand(),
  },
  report: { args: ['<result>'], description: 're-render reports (table, json, csv, md, html, png) from a saved result.json', load: async () => (await import('./report.js')).reportCommand() },
  compare: {
    args: ['<base>', '<new>'],
    description: 'compare two runs: every metric with its change, whether latency changes exceed noise, and --fail-on gates for CI',
    load: async () => (await import('./compare.js')).compareCommand(),
  },
  merge: {
    args: ['<results...>'],
    description: 'merge the results of shards (--shard I/N) into one: histograms without loss, counts summed, union window',
    load: async () => (await import('./merge.js')).mergeCommand(),
  },
  sweep: { args: [], description: 'run stages of growing load (by concurrency or rate) and find the knee', load: async () => (await import('./sweep.js')).sweepCommand() },
  capacity: { args: [], description: 'find the highest load at which the SLOs still hold', load: async () => (await import('./capacity.js')).capacityCommand() },
  eval: {
    args: [],
    description: 'run accuracy benchmarks (MMLU, GSM8K, HumanEval...) against an endpoint; without --url, against the built-in simulator (a test double)',
    load: async () => (await import('./eval-command.js')).evalCommand(),
  },
  arena: {
    args: [],
    description: 'judge grading and the arena: single (1-10 grades), baseline (each model vs one) or pairwise (every pair) with Elo and Bradley-Terry ratings',
    load: async () => (await import('./arena.js')).arenaCommand(),
  },
};

/**
 * Which command the arguments run, as commander will parse them: program options (`--debug`) first, then a
 * command name; `help NAME` asks for that command's help; anything else runs the default command. Null
 * when only the program itself is needed (`--help`, `--version`, `help`).
 */
export function selectedCommand(args: readonly string[]): string | null {
  const rest = args.filter((arg) => arg !== '--debug');
  const first = rest[0];
  if (first === undefined) return DEFAULT_COMMAND;
  if (first === '-h' || first === '--help' || first === '-V' || first === '--version') return null;
  if (first === 'help') return rest[1] !== undefined && rest[1] in COMMANDS ? rest[1] : null;
  return first in COMMANDS ? first : DEFAULT_COMMAND;
}
