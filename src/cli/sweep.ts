// `llmperf sweep`: a series of stages by concurrency or by rate, their summary table, curves and knee.
import { makeOutDir, refuseReuse } from '../util/out-dir.js';
import { join } from 'node:path';
import { Command } from 'commander';
import { runSweep, stageTable, writeStageReport } from '../capacity/index.js';
import { UsageError } from '../errors.js';
import { parseDurationMs, parsePositiveInt } from '../util/parse.js';
import { addRunOptions, type RunFlags } from './run-flags.js';
import { startSharedServer } from '../run/execute.js';
import { say } from './run-command.js';
import { progressLine } from './progress.js';
import { basePlan, parseLoadList, stageIsolation, stageLine, sustainNotes } from './stages-cli.js';

interface SweepFlags extends RunFlags {
  cooldown: string;
  autoStages: string;
  resetCache?: string;
}

export async function sweepAction(flags: SweepFlags): Promise<number> {
  const byRate = flags.rate !== undefined;
  if (byRate && flags.concurrency !== undefined && flags.concurrency.includes(',')) {
    throw new UsageError('sweep: give the stages with either --concurrency 1,4,16 or --rate 1,2,4, not both (with --rate, --concurrency is the in-flight cap)');
  }
  if (!byRate && flags.concurrency === undefined) {
    throw new UsageError('sweep: give the stages with --concurrency 1,4,16,64 or --rate 1,2,4,8 (or --rate auto)');
  }
  const auto = flags.rate === 'auto';
  const loads = auto ? 'auto' : byRate ? parseLoadList(flags.rate!, '--rate', false) : parseLoadList(flags.concurrency!, '--concurrency', true);
  // A rate sweep keeps --concurrency as its in-flight cap (default: the open-loop cap, as `run --rate` has; an
  // auto sweep's placeholder rate gets it too); a concurrency sweep sets it per stage.
  const base = basePlan(flags, '15s', byRate ? { rate: auto ? '1' : String(loads[0]) } : { concurrency: String((loads as number[])[0]), rate: undefined });
  const capGiven = flags.concurrency !== undefined || flags.maxConcurrency !== undefined;
  const isolation = stageIsolation(flags, base);
  const cooldownMs = parseDurationMs(flags.cooldown, '--cooldown', true);
  const autoStages = parsePositiveInt(flags.autoStages, '--auto-stages');
  const outDir = base.outDir ?? join('reports', `sweep-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
  // A folder holding an earlier sweep's or search's stages is refused whole (stage runs then overwrite freely).
  refuseReuse(outDir, Boolean(flags.overwrite), true);
  makeOutDir(outDir);
  const { server, close } = await startSharedServer(base, { onNotice: (text) => say(base, text) });
  const line = progressLine(!base.quiet);
  try {
    const by = byRate ? 'rate' : 'concurrency';
    const sweep = await runSweep(
      base,
      {
        by,
        loads,
        autoStages,
        probeConcurrency: capGiven ? base.concurrency : 'search',
        cooldownMs,
        outDir,
        // A live line inside each stage, named by its load; each stage's summary line replaces it when it ends.
        isolation: { ...isolation, onProgress: (load, progress) => line.update(progress, { label: `${by} ${load}:`, durationMs: base.durationMs }) },
        onStage: (stage, label) => {
          line.stop();
          if (!base.quiet) process.stderr.write(`  ${stageLine(stage, label)}\n`);
        },
      },
      server,
    );
    const rows = sweep.stages.map((stage) => ({ load: stage.load, summary: stage.summary, notSustained: stage.not_sustained }));
    const notes = [
      ...sustainNotes(sweep.stages),
      sweep.knee === null
        ? 'No knee in the measured range: latency never grew faster than throughput.'
        : `Knee at ${by} ${sweep.knee}: beyond it latency p99 grows faster than throughput.`,
      ...(server.simulated ? ['Measured against the built-in simulator, not a real server.'] : []),
    ];
    const files = await writeStageReport({
      outDir, name: 'sweep', document: sweep, title: `llmperf sweep by ${by}`, notes, rows, by, knee: sweep.knee, png: base.formats.includes('png') || base.formats.includes('html'),
    });
    if (base.json) process.stdout.write(JSON.stringify(sweep, null, 2) + '\n');
    else if (!base.quiet) process.stdout.write(`${stageTable(rows, sweep.knee)}\n${notes.join('\n')}\n`);
    // -q still says where the results went: one line.
    process.stderr.write(base.quiet ? `${join(outDir, 'sweep.json')}\n` : `Written to ${outDir}: ${files.length} files (sweep.json, report.html, charts/)\n`);
    return 0;
  } finally {
    line.stop();
    await close();
  }
}

export function sweepCommand(): Command {
  const command = addRunOptions(new Command('sweep').description('run stages of growing load (by concurrency or rate) and find the knee'))
    .option('--cooldown <time>', 'pause between stages', '2s')
    .option('--auto-stages <n>', 'with --rate auto: how many rates between single-stream and maximum throughput', '6')
    .option('--reset-cache <path>', 'POST this path on the server before every stage to empty its prefix cache (vLLM /reset_prefix_cache, SGLang /flush_cache)');
  command.action(async (flags: SweepFlags) => {
    process.exitCode = await sweepAction(flags);
  });
  return command;
}
