// `llmperf sweep`: flags into the library's sweep, then its stage lines, table, knee and notes on the console.
import { join } from 'node:path';
import { Command } from 'commander';
import { stageTable } from '../capacity/index.js';
import { SWEEP_DEFAULTS, sweepFromFlags, type SweepFlags } from '../api/sweep.js';
import { stageLine } from '../api/stage-plan.js';
import { addRunOptions } from './run-flags.js';
import { say } from './run-command.js';
import { durationMsOf, progressLine } from './progress.js';

export async function sweepAction(flags: SweepFlags): Promise<number> {
  const quiet = Boolean(flags.quiet);
  const by = flags.rate !== undefined ? 'rate' : 'concurrency';
  const line = progressLine(!quiet);
  let output;
  try {
    output = await sweepFromFlags(flags, {
      onNotice: (text) => say({ quiet }, text),
      // A live line inside each stage, named by its load; each stage's summary line replaces it when it ends.
      onStageProgress: (load, progress) => line.update(progress, { label: `${by} ${load}:`, durationMs: durationMsOf(flags, '15s') }),
      onStage: (stage, label) => {
        line.stop();
        if (!quiet) process.stderr.write(`  ${stageLine(stage, label)}\n`);
      },
    });
  } finally {
    line.stop();
  }
  const { document, outDir, files, notes, rows } = output;
  if (flags.json) process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  else if (!quiet) process.stdout.write(`${stageTable(rows, document.knee)}\n${notes.join('\n')}\n`);
  // -q still says where the results went: one line.
  process.stderr.write(quiet ? `${join(outDir, 'sweep.json')}\n` : `Written to ${outDir}: ${files.length} files (sweep.json, report.html, charts/)\n`);
  return 0;
}

export function sweepCommand(): Command {
  const command = addRunOptions(new Command('sweep').description('run stages of growing load (by concurrency or rate) and find the knee'))
    .option('--cooldown <time>', 'pause between stages', SWEEP_DEFAULTS.cooldown)
    .option('--auto-stages <n>', 'with --rate auto: how many rates between single-stream and maximum throughput', SWEEP_DEFAULTS.autoStages)
    .option('--reset-cache <path>', 'POST this path on the server before every stage to empty its prefix cache (vLLM /reset_prefix_cache, SGLang /flush_cache)');
  command.action(async (flags: SweepFlags) => {
    process.exitCode = await sweepAction(flags);
  });
  return command;
}
