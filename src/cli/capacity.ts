// `llmperf capacity`: flags into the library's capacity search, then its stage lines, table, answer and sizing on the console.
import { join } from 'node:path';
import { Command } from 'commander';
import { stageTable } from '../capacity/index.js';
import { CAPACITY_DEFAULTS, capacityFromFlags, type CapacityFlags } from '../api/capacity.js';
import { resetNote } from '../api/stage-plan.js';
import { addRunOptions } from './run-flags.js';
import { say } from './run-command.js';
import { durationMsOf, progressLine } from './progress.js';

export async function capacityAction(flags: CapacityFlags): Promise<number> {
  const quiet = Boolean(flags.quiet);
  const line = progressLine(!quiet);
  let output;
  try {
    output = await capacityFromFlags(flags, {
      onNotice: (text) => say({ quiet }, text),
      // A live line inside each stage, named by its load; each stage's summary line replaces it when it ends.
      onStageProgress: (load, progress) => line.update(progress, { label: `${flags.by} ${load}:`, durationMs: durationMsOf(flags, '10s') }),
      onStage: (stage, label) => {
        line.stop();
        if (quiet) return;
        const slos = `${stage.slo.every((o) => o.passed) ? 'meets' : 'misses'} the SLOs (${stage.slo.map((o) => `${o.expression}: ${o.actual}`).join(', ')})`;
        const verdict = stage.passed ? 'pass' : 'FAIL';
        process.stderr.write(`  ${label}: ${verdict}: ${slos}${stage.not_sustained ? `; NOT SUSTAINED: ${stage.sustain.reasons.join('; ')}` : ''}${resetNote(stage.cache_reset)}\n`);
      },
    });
  } finally {
    line.stop();
  }
  const { document, outDir, notes, rows } = output;
  if (flags.json) process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  else if (!quiet) process.stdout.write(`${stageTable(rows)}\n${notes.join('\n')}\n`);
  // -q still says where the results went: one line.
  process.stderr.write(quiet ? `${join(outDir, 'capacity.json')}\n` : `Written to ${outDir}: capacity.json, report.html, charts/\n`);
  return 0;
}

export function capacityCommand(): Command {
  const command = addRunOptions(new Command('capacity').description('find the highest load at which the SLOs still hold'))
    .option('--by <axis>', 'rate or concurrency', CAPACITY_DEFAULTS.by)
    .option('--precision <p>', 'stop when the answer interval is this narrow (relative)', CAPACITY_DEFAULTS.precision)
    .option('--budget <time>', 'time budget for the whole search', CAPACITY_DEFAULTS.budget)
    .option('--target-rate <r>', 'sizing: requests/s the deployment must serve')
    .option('--headroom <p>', 'sizing: run each replica this far below its capacity', CAPACITY_DEFAULTS.headroom)
    .option('--start <load>', 'first load to try (default 1)')
    .option('--max-load <load>', 'never try more than this')
    .option('--cooldown <time>', 'pause between stages', CAPACITY_DEFAULTS.cooldown)
    .option('--max-error-rate <x>', 'error-rate bound added unless an error_rate SLO is given', CAPACITY_DEFAULTS.maxErrorRate)
    .option('--reset-cache <path>', 'POST this path on the server before every stage to empty its prefix cache (vLLM /reset_prefix_cache, SGLang /flush_cache)');
  command.action(async (flags: CapacityFlags) => {
    process.exitCode = await capacityAction(flags);
  });
  return command;
}
