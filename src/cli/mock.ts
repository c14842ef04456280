// `llmperf mock`: run the built-in simulated OpenAI-compatible server until SIGINT/SIGTERM.
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { startMockServer, type MockOptions } from '../mock/index.js';

function parseNumber(flag: string, integer: boolean, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
      const what = integer ? `a whole number >= ${min}` : `a number >= ${min}`;
      throw new UsageError(`${flag} must be ${what}, got "${value}"`);
    }
    return n;
  };
}

/** Raw commander values; names follow the flags. */
interface MockFlags {
  host: string;
  port: number;
  ttft: number;
  itl: number;
  outputTokens: number;
  slots: number;
  contention: number;
  seed: number;
  model: string;
  closeAfterResponse: boolean;
}

/** Maps flags to simulator options (exported for tests and for the embedded default). */
export function mockOptionsFromFlags(flags: MockFlags): Partial<MockOptions> {
  return {
    host: flags.host,
    port: flags.port,
    ttftMs: flags.ttft,
    itlMs: flags.itl,
    outputTokens: flags.outputTokens,
    slots: flags.slots,
    contention: flags.contention,
    seed: flags.seed,
    model: flags.model,
    closeAfterResponse: flags.closeAfterResponse,
  };
}

export function mockCommand(): Command {
  return new Command('mock')
    .description('run the built-in simulated OpenAI-compatible server (a serving-engine model: slots, queueing, paced tokens)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 = any free port)', parseNumber('--port', true, 0), 8000)
    .option('--ttft <ms>', 'time to first token after a request gets a slot, ms', parseNumber('--ttft', false, 0), 50)
    .option('--itl <ms>', 'interval between tokens of one sequence decoding alone, ms', parseNumber('--itl', false, 0), 10)
    .option('--output-tokens <n>', 'tokens per response (the simulated EOS; max_tokens caps it)', parseNumber('--output-tokens', true, 1), 64)
    .option('--slots <n>', 'sequences decoding at once; more requests queue', parseNumber('--slots', true, 1), 64)
    .option('--contention <x>', 'slowdown per active sequence: itl * (1 + x * (active - 1) / slots)', parseNumber('--contention', false, 0), 0.1)
    .option('--seed <n>', 'seed for generated text', parseNumber('--seed', true, 0), 0)
    .option('--model <name>', 'model id served by /v1/models', 'llmperf-sim')
    .option('--close-after-response', "close the connection after every response while advertising keep-alive (llama.cpp's behaviour)", false)
    .action(async (flags: MockFlags) => {
      const server = await startMockServer(mockOptionsFromFlags(flags)).catch((err: NodeJS.ErrnoException) => {
        // A taken or forbidden port is the user's to fix: one line, exit 2, no stack.
        if (err.code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} on ${flags.host} is in use; pick another with --port (0 = any free port)`);
        if (err.code === 'EACCES') throw new UsageError(`not allowed to listen on ${flags.host}:${flags.port}; use a port above 1023`);
        if (err.code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${flags.host} is not an address of this machine`);
        throw err;
      });
      const c = server.config;
      process.stdout.write(
        `llmperf mock listening on ${server.url} (model ${c.model}, ttft ${c.ttftMs} ms, itl ${c.itlMs} ms, slots ${c.slots})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
