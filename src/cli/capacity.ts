// `llmperf capacity`: search the highest load that meets the SLOs, print it with its interval and a sizing line.
import { makeOutDir, refuseReuse } from '../util/out-dir.js';
import { join } from 'node:path';
import { Command } from 'commander';
import { findCapacity, stageTable, writeStageReport } from '../capacity/index.js';
import { UsageError } from '../errors.js';
import { parseSlo } from '../metrics/slo.js';
import { parseChoice, parseDurationMs, parsePositiveNumber } from '../util/parse.js';
import { addRunOptions, type RunFlags } from './run-flags.js';
import { startSharedServer } from '../run/execute.js';
import { say } from './run-command.js';
import { progressLine } from './progress.js';
import { basePlan, parseFraction, resetNote, stageIsolation, sustainNotes } from './stages-cli.js';

interface CapacityFlags extends RunFlags {
  by: string;
  precision: string;
  budget: string;
  targetRate?: string;
  headroom: string;
  start?: string;
  maxLoad?: string;
  cooldown: string;
  maxErrorRate: string;
  resetCache?: string;
}

export async function capacityAction(flags: CapacityFlags): Promise<number> {
  const by = parseChoice(flags.by, '--by', ['rate', 'concurrency'] as const);
  if (flags.slo.length === 0) throw new UsageError('capacity: give at least one --slo, e.g. --slo "ttft_ms.p99 < 500"');
  const base = basePlan(flags, '10s', by === 'concurrency' ? { concurrency: '1', rate: undefined } : { rate: '1' });
  const slos = [...base.slos];
  if (!slos.some((slo) => slo.metric === 'error_rate')) {
    slos.push(parseSlo(`error_rate <= ${parsePositiveNumber(flags.maxErrorRate, '--max-error-rate')}`));
  }
  const outDir = base.outDir ?? join('reports', `capacity-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
  // A folder holding an earlier sweep's or search's stages is refused whole (stage runs then overwrite freely).
  refuseReuse(outDir, Boolean(flags.overwrite), true);
  makeOutDir(outDir);
  // Every flag is checked before the server starts, so a typo costs one line, not a warm-up.
  const search = {
    precision: parseFraction(flags.precision, '--precision'),
    budgetMs: parseDurationMs(flags.budget, '--budget'),
    start: flags.start ? parsePositiveNumber(flags.start, '--start') : 1,
    maxLoad: flags.maxLoad ? parsePositiveNumber(flags.maxLoad, '--max-load') : by === 'rate' ? 100_000 : 10_000,
    cooldownMs: parseDurationMs(flags.cooldown, '--cooldown', true),
    targetRate: flags.targetRate ? parsePositiveNumber(flags.targetRate, '--target-rate') : null,
    headroom: parseFraction(flags.headroom, '--headroom'),
    isolation: stageIsolation(flags, base),
  };
  const { server, close } = await startSharedServer(base, { onNotice: (text) => say(base, text) });
  const line = progressLine(!base.quiet);
  try {
    const document = await findCapacity(
      base,
      {
        by,
        slos,
        ...search,
        outDir,
        // A live line inside each stage, named by its load; each stage's summary line replaces it when it ends.
        isolation: { ...search.isolation, onProgress: (load, progress) => line.update(progress, { label: `${by} ${load}:`, durationMs: base.durationMs }) },
        onStage: (stage) => {
          line.stop();
          if (!base.quiet) {
            const slos = `${stage.slo.every((o) => o.passed) ? 'meets' : 'misses'} the SLOs (${stage.slo.map((o) => `${o.expression}: ${o.actual}`).join(', ')})`;
            const verdict = stage.passed ? 'pass' : 'FAIL';
            process.stderr.write(`  ${by} ${stage.load}: ${verdict}: ${slos}${stage.not_sustained ? `; NOT SUSTAINED: ${stage.sustain.reasons.join('; ')}` : ''}${resetNote(stage.cache_reset)}\n`);
          }
        },
      },
      server,
    );
    const unit = by === 'rate' ? 'requests/s' : 'concurrent requests';
    const answer =
      document.value === 0
        ? `Capacity: below ${document.interval[1]} ${unit}: even the first load missed the SLOs.`
        : `Capacity: ${document.value} ${unit}${document.value !== document.searched_value ? ` (what the stages at ${document.searched_value} offered)` : ''} (the answer lies in [${document.interval[0]}, ${document.interval[1]}]; search ended by ${document.ended}).`;
    const sizing = document.sizing
      ? `Sizing: ${document.sizing.replicas} replica(s) for ${document.sizing.target_rate} requests/s at ${Math.round(document.sizing.headroom * 100)}% headroom (one replica sustains ${document.capacity_rate} requests/s within the SLOs).`
      : null;
    const rows = document.stages.map((stage) => ({ load: stage.load, summary: stage.summary, passed: stage.passed, notSustained: stage.not_sustained })).sort((a, b) => a.load - b.load);
    const notes = [
      answer,
      ...(sizing ? [sizing] : []),
      `SLOs: ${document.slo.join('; ')}`,
      'A stage passes only when every SLO holds and the load was sustained: achieved within 5% of offered, client queue p99 under 10% of TTFT p99 when the in-flight cap was reached (rate stages), and no growing TTFT across the stage. The rate answered is the one the passing stages actually offered.',
      ...sustainNotes(document.stages),
      ...document.unmeasured.map((u) => `Load ${u.load} could not be measured and counts as a miss: ${u.reason}`),
      ...(server.simulated ? ['Measured against the built-in simulator, not a real server.'] : []),
    ];
    await writeStageReport({ outDir, name: 'capacity', document, title: `llmperf capacity by ${by}`, notes, rows, by, knee: null, png: base.formats.includes('png') || base.formats.includes('html'),
      annotations: { slos, capacity: document.value } });
    if (base.json) process.stdout.write(JSON.stringify(document, null, 2) + '\n');
    else if (!base.quiet) process.stdout.write(`${stageTable(rows)}\n${notes.join('\n')}\n`);
    // -q still says where the results went: one line.
    process.stderr.write(base.quiet ? `${join(outDir, 'capacity.json')}\n` : `Written to ${outDir}: capacity.json, report.html, charts/\n`);
    return 0;
  } finally {
    line.stop();
    await close();
  }
}

export function capacityCommand(): Command {
  const command = addRunOptions(new Command('capacity').description('find the highest load at which the SLOs still hold'))
    .option('--by <axis>', 'rate or concurrency', 'rate')
    .option('--precision <p>', 'stop when the answer interval is this narrow (relative)', '10%')
    .option('--budget <time>', 'time budget for the whole search', '10m')
    .option('--target-rate <r>', 'sizing: requests/s the deployment must serve')
    .option('--headroom <p>', 'sizing: run each replica this far below its capacity', '20%')
    .option('--start <load>', 'first load to try (default 1)')
    .option('--max-load <load>', 'never try more than this')
    .option('--cooldown <time>', 'pause between stages', '1s')
    .option('--max-error-rate <x>', 'error-rate bound added unless an error_rate SLO is given', '0.01')
    .option('--reset-cache <path>', 'POST this path on the server before every stage to empty its prefix cache (vLLM /reset_prefix_cache, SGLang /flush_cache)');
  command.action(async (flags: CapacityFlags) => {
    process.exitCode = await capacityAction(flags);
  });
  return command;
}
