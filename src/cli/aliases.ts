// vLLM's `vllm bench serve` flag names accepted as aliases, so a vLLM command line mostly works as is.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/** vLLM's flag (commander's camelCase key) -> llmperf's flag it means; both spelled as on the command line. */
const ALIASES: ReadonlyArray<{ from: string; fromKey: string; to: string; toKey: string }> = [
  { from: '--num-prompts', fromKey: 'numPrompts', to: '--requests', toKey: 'requests' },
  { from: '--request-rate', fromKey: 'requestRate', to: '--rate', toKey: 'rate' },
  { from: '--random-input-len', fromKey: 'randomInputLen', to: '--input-tokens', toKey: 'inputTokens' },
  { from: '--random-output-len', fromKey: 'randomOutputLen', to: '--output-tokens', toKey: 'outputTokens' },
  { from: '--dataset-name', fromKey: 'datasetName', to: '--dataset', toKey: 'dataset' },
  { from: '--base-url', fromKey: 'baseUrl', to: '--url', toKey: 'url' },
];

/** Declares the aliases (as hidden-in-spirit extras: each help line names the llmperf flag it stands for). */
export function addVllmAliases(command: Command): Command {
  command
    .option('--num-prompts <n>', "vLLM's name for --requests")
    .option('--request-rate <r>', "vLLM's name for --rate (inf: all requests at once, capped by --max-concurrency)")
    .option('--random-input-len <n>', "vLLM's name for --input-tokens (with --dataset random)")
    .option('--random-output-len <n>', "vLLM's name for --output-tokens")
    .option('--dataset-name <kind>', "vLLM's name for --dataset")
    .option('--base-url <url>', "vLLM's name for --url");
  // Resolved before the action, so every command sharing the run flags (run, sweep, capacity) sees llmperf's names.
  return command.hook('preAction', (self) => resolveVllmAliases(self.opts(), (key, value) => self.setOptionValue(key, value)));
}

/** Moves each alias's value to the flag it means; giving both with different values is a usage error. */
export function resolveVllmAliases(opts: Record<string, unknown>, set: (key: string, value: unknown) => void): void {
  for (const { from, fromKey, to, toKey } of ALIASES) {
    const value = opts[fromKey];
    if (value === undefined) continue;
    if (opts[toKey] !== undefined && opts[toKey] !== value) throw new UsageError(`${from} and ${to} are the same setting (${from} is vLLM's name): give one`);
    set(toKey, value);
    set(fromKey, undefined);
    opts[toKey] = value;
  }
  // vLLM's default rate is inf: every request at once, limited only by --max-concurrency. A closed loop says the same.
  if (typeof opts.rate === 'string' && /^inf(inity)?$/i.test(opts.rate)) {
    set('rate', undefined);
    if (opts.concurrency === undefined && opts.maxConcurrency === undefined) {
      set('concurrency', typeof opts.requests === 'string' ? opts.requests : '100');
    }
  }
}
