#!/usr/bin/env node
// The llmperf command line: commands, the default `run`, and the one place errors become exit codes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, TargetError, UsageError } from '../errors.js';
import { redact, registerSecrets, secretsOf } from '../util/redact.js';
import { COMMANDS, DEFAULT_COMMAND, selectedCommand } from './commands.js';
import { checkCommandWord } from './suggest.js';

// Read here rather than imported from the engine, so `--help` and `--version` load no engine code.
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
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

/**
 * The program with every command listed, but only the one being run loaded (with its options and action);
 * the others are name-and-description placeholders for the help. Loading all of them cost most of a second.
 */
async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('llmperf')
    .description('Load testing and accuracy evaluation for OpenAI-compatible LLM endpoints')
    .version(VERSION)
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .showSuggestionAfterError();
  const selected = selectedCommand(args);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = name === selected ? await entry.load() : placeholder(name, entry.args, entry.description);
    program.addCommand(command, { isDefault: name === DEFAULT_COMMAND });
  }
  for (const command of program.commands) {
    command.exitOverride().option('--debug', 'print stack traces on errors').configureOutput({ outputError: usageLine(command.name()) });
  }
  program.configureOutput({ outputError: usageLine(null) });
  return program;
}

/** A command as the program's help lists it; never run (selectedCommand loads the real one first). */
function placeholder(name: string, args: string[], description: string): Command {
  const command = new Command(name).description(description).allowUnknownOption().helpOption('-h, --help', 'display help for command');
  for (const arg of args) command.argument(arg);
  // "[options]" in the program's help, as the real commands (which all have options) show.
  command.usage(['[options]', ...args].join(' '));
  return command;
}

// An unknown command word (`llmperf swep`) is named with the closest command before commander would run it as `run`.
Promise.resolve()
  .then(() => checkCommandWord(process.argv.slice(2), Object.keys(COMMANDS)))
  .then(() => buildProgram(process.argv.slice(2)))
  .then((program) => program.parseAsync(process.argv))
  .catch(fail);
