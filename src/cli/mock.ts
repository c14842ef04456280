// `llmperf mock`: run the built-in simulated OpenAI-compatible server until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { FAULT_KINDS, JUDGE_RULES, parseFaultSpec, startMockServer, type AnswerKeyEntry, type FaultSpec, type JudgeRule, type MockOptions } from '../mock/index.js';

function parseNumber(flag: string, integer: boolean, min: number, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      const what = `${integer ? 'a whole number' : 'a number'} ${max === Infinity ? `>= ${min}` : `between ${min} and ${max}`}`;
      throw new UsageError(`${flag} must be ${what}, got "${value}"`);
    }
    return n;
  };
}

/** Reads an answer key: JSONL, one {"match", "correct", "incorrect"} per line; errors name file:line. */
export function readAnswerKey(path: string): AnswerKeyEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--answers ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const entries: AnswerKeyEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let e: Partial<AnswerKeyEntry>;
    try {
      e = JSON.parse(line) as Partial<AnswerKeyEntry>;
    } catch {
      throw new UsageError(`${path}:${i + 1}: not valid JSON; each line must be {"match": ..., "correct": ..., "incorrect": ...}`);
    }
    if (typeof e?.match !== 'string' || e.match === '' || typeof e.correct !== 'string' || typeof e.incorrect !== 'string') {
      throw new UsageError(`${path}:${i + 1}: needs a non-empty string "match" and strings "correct" and "incorrect"`);
    }
    entries.push({ match: e.match, correct: e.correct, incorrect: e.incorrect, ...(e.probe === true ? { probe: true } : {}) });
  });
  if (entries.length === 0) throw new UsageError(`--answers ${path}: the file has no entries`);
  return entries;
}

/** Raw commander values; names follow the flags. */
export interface MockFlags {
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
  reasoningTokens: number;
  reasoningField: 'reasoning_content' | 'reasoning';
  fault: FaultSpec[];
  slowHeadersMs: number;
  answers?: string;
  answerAccuracy: number;
  complyRate?: number;
  judgeRule?: JudgeRule;
  recordSendTimes: boolean;
  embeddingDim: number;
  prefixCache: number;
  specTokens: number;
  specAccept: number;
  toolInvalidRate: number;
  schemaInvalidRate: number;
  imageTokenMs: number;
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
    reasoningTokens: flags.reasoningTokens,
    reasoningField: flags.reasoningField,
    faults: flags.fault,
    slowHeadersMs: flags.slowHeadersMs,
    answerKey: flags.answers === undefined ? [] : readAnswerKey(flags.answers),
    answerAccuracy: flags.answerAccuracy,
    complyRate: flags.complyRate ?? null,
    judgeRule: flags.judgeRule ?? null,
    recordSendTimes: flags.recordSendTimes,
    embeddingDim: flags.embeddingDim,
    prefixCacheTokens: flags.prefixCache,
    specTokens: flags.specTokens,
    specAccept: flags.specAccept,
    toolInvalidRate: flags.toolInvalidRate,
    schemaInvalidRate: flags.schemaInvalidRate,
    imageTokenMs: flags.imageTokenMs,
  };
}

export function mockCommand(): Command {
  return new Command('mock')
    .description('run the built-in simulated OpenAI-compatible server (a serving-engine model: slots, queueing, paced tokens)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 = any free port)', parseNumber('--port', true, 0, 65535), 8000)
    .option('--ttft <ms>', 'time to first token after a request gets a slot, ms', parseNumber('--ttft', false, 0), 50)
    .option('--itl <ms>', 'interval between tokens of one sequence decoding alone, ms', parseNumber('--itl', false, 0), 10)
    .option('--output-tokens <n>', 'tokens per response (the simulated EOS; max_tokens caps it)', parseNumber('--output-tokens', true, 1), 64)
    .option('--slots <n>', 'sequences decoding at once; more requests queue', parseNumber('--slots', true, 1), 64)
    .option('--prefix-cache <tokens>', 'a prefix cache of this many tokens (0 = none): reports cached_tokens, and a cached share of the prompt skips that share of --ttft', parseNumber('--prefix-cache', true, 0), 0)
    .option('--image-token-ms <ms>', 'prefill time each image token adds (28x28-pixel tokens; see docs/simulator.md)', parseNumber('--image-token-ms', false, 0), 0.02)
    .option('--contention <x>', 'slowdown per active sequence: itl * (1 + x * (active - 1) / slots)', parseNumber('--contention', false, 0), 0.1)
    .option('--seed <n>', 'seed for generated text and fault decisions', parseNumber('--seed', true, 0, 2 ** 32 - 1), 0)
    .option('--model <name>', 'model id served by /v1/models', 'llmperf-sim')
    .option('--close-after-response', "close the connection after every response while advertising keep-alive (llama.cpp's behaviour)", false)
    .option('--reasoning-tokens <n>', 'chat streams send N reasoning tokens before the content', parseNumber('--reasoning-tokens', true, 0), 0)
    .addOption(new Option('--reasoning-field <name>', 'delta field for reasoning tokens').choices(['reasoning_content', 'reasoning']).default('reasoning_content'))
    .option(
      '--fault <kind:rate>',
      `inject a fault into a share of requests, repeatable (kinds: ${FAULT_KINDS.join(', ')})`,
      (value: string, previous: FaultSpec[]) => [...previous, parseFaultSpec(value)],
      [] as FaultSpec[],
    )
    .option('--spec-tokens <k>', 'speculative decoding: K draft tokens per decode step, accepted in order until the first rejection; a step streams accepted + 1 tokens in one event (0 = off)', parseNumber('--spec-tokens', true, 0, 64), 0)
    .option('--spec-accept <p>', 'speculative decoding: probability that each draft token is accepted (seeded)', parseNumber('--spec-accept', false, 0, 1), 0.7)
    .option('--slow-headers-ms <ms>', 'how long the slow-headers fault holds the headers back', parseNumber('--slow-headers-ms', false, 0), 2000)
    .option('--answers <file.jsonl>', 'test double for evals: scripted answers, one {"match","correct","incorrect"} per line')
    .option('--answer-accuracy <p>', 'share of answer-key questions answered correctly (seeded)', parseNumber('--answer-accuracy', false, 0, 1), 1)
    .option('--comply-rate <p>', 'comply mode: answer-key entries marked "probe": true get their "incorrect" (attacker\'s) answer with probability p, else a refusal (seeded)', parseNumber('--comply-rate', false, 0, 1))
    .addOption(new Option('--judge-rule <rule>', 'test double for judges: verdicts by rule').choices([...JUDGE_RULES]))
    .option('--record-send-times', 'record when each event was written (GET /debug/send-times)', false)
    .option('--embedding-dim <n>', 'length of /v1/embeddings vectors', parseNumber('--embedding-dim', true, 1, 65536), 384)
    .option('--tool-invalid-rate <r>', 'share (0..1) of tool calls streamed with invalid arguments (seeded; counted in GET /debug/stats)', parseNumber('--tool-invalid-rate', false, 0, 1), 0)
    .option('--schema-invalid-rate <r>', 'share (0..1) of json_schema answers that break the schema (seeded; counted in GET /debug/stats)', parseNumber('--schema-invalid-rate', false, 0, 1), 0)
    .action(async (flags: MockFlags) => {
      const server = await startMockServer(mockOptionsFromFlags(flags)).catch((err: NodeJS.ErrnoException) => {
        // A taken or forbidden port is the user's to fix: one line, exit 2, no stack.
        if (err.code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} on ${flags.host} is in use; pick another with --port (0 = any free port)`);
        if (err.code === 'EACCES') throw new UsageError(`not allowed to listen on ${flags.host}:${flags.port}; use a port above 1023`);
        if (err.code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${flags.host} is not an address of this machine`);
        throw err;
      });
      const c = server.config;
      const extras = [
        c.reasoningTokens > 0 ? `, reasoning ${c.reasoningTokens} tokens` : '',
        c.faults.length > 0 ? `, faults ${c.faults.map((f) => `${f.kind}:${f.rate}`).join(' ')}` : '',
        c.answerKey.length > 0 ? `, answer key ${c.answerKey.length} entries at accuracy ${c.answerAccuracy}` : '',
        c.complyRate !== null ? `, comply rate ${c.complyRate}` : '',
        c.judgeRule ? `, judge rule ${c.judgeRule}` : '',
        c.specTokens > 0 ? `, speculative ${c.specTokens} drafts a step accepted at ${c.specAccept}` : '',
        c.toolInvalidRate > 0 || c.schemaInvalidRate > 0 ? `, invalid tool calls ${c.toolInvalidRate}, invalid structured answers ${c.schemaInvalidRate}` : '',
      ].join('');
      process.stdout.write(
        `llmperf mock listening on ${server.url} (model ${c.model}, ttft ${c.ttftMs} ms, itl ${c.itlMs} ms, slots ${c.slots}${extras})\n`,
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
