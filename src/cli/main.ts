#!/usr/bin/env node
// The llmperf command line: commands, the default `run`, and the one place errors become exit codes.
import { Command, CommanderError } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, TargetError, UsageError } from '../errors.js';
import { VERSION } from '../engine/result.js';
import { redact, registerSecrets, secretsOf } from '../util/redact.js';
import { arenaCommand } from './arena.js';
import { capacityCommand } from './capacity.js';
import { compareCommand } from './compare.js';
import { evalCommand } from './eval.js';
import { mergeCommand } from './merge.js';
import { mockCommand } from './mock.js';
import { reportCommand } from './report.js';
import { sweepCommand } from './sweep.js';
import { addRunOptions, type RunFlags } from './run-flags.js';
import { runAction } from './run-command.js';
import { checkCommandWord } from './suggest.js';

const debug = process.argv.includes('--debug');
// Every command's default key source: redacted from error output even by commands that never register their secrets.
registerSecrets(secretsOf({ apiKey: process.env.OPENAI_API_KEY }));

function fail(error: unknown): never {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  // Last line of defence: an error message may quote a server's answer, which may quote the key we sent.
  const message = redact(error instanceof Error ? error.message : String(error));
  process.stderr.write(`llmperf: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(redact(error.stack) + '\n');
  if (error instanceof UsageError) process.exit(EXIT_USAGE);
  if (error instanceof TargetError) process.exit(EXIT_RUNTIME);
  if (!debug) process.stderr.write('llmperf: (run with --debug for the stack trace)\n');
  process.exit(EXIT_RUNTIME);
}

/** Commander's own errors (unknown flag, missing value) as one line that also says where the flags are listed. */
function usageLine(command: string | null): (text: string, write: (text: string) => void) => void {
  const help = command ? `llmperf ${command} --help` : 'llmperf --help';
  return (text, write) => {
    const lines = text.trim().split('\n').filter((line) => line.trim().length > 0);
    const what = lines.map((line) => line.replace(/^error: /, '')).join(' ');
    write(`llmperf: ${what}; see '${help}' for the flags\n`);
  };
}

function buildProgram(): Command {
  const program = new Command('llmperf')
    .description('Load testing and accuracy evaluation for OpenAI-compatible LLM endpoints')
    .version(VERSION)
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .showSuggestionAfterError();

  const run = addRunOptions(new Command('run').description('run a load test (the default command)'));
  run.action(async (flags: RunFlags) => {
    process.exitCode = await runAction(flags);
  });
  program.addCommand(run, { isDefault: true });
  program.addCommand(mockCommand());
  program.addCommand(reportCommand());
  program.addCommand(compareCommand());
  program.addCommand(mergeCommand());
  program.addCommand(sweepCommand());
  program.addCommand(capacityCommand());
  program.addCommand(evalCommand());
  program.addCommand(arenaCommand());
  for (const command of program.commands) {
    command.exitOverride().option('--debug', 'print stack traces on errors').configureOutput({ outputError: usageLine(command.name()) });
  }
  program.configureOutput({ outputError: usageLine(null) });
  return program;
}

const program = buildProgram();
Promise.resolve()
  .then(() => checkCommandWord(process.argv.slice(2), program.commands.map((command) => command.name())))
  .then(() => program.parseAsync(process.argv))
  .catch(fail);
