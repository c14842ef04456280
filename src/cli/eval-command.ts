// `llmperf eval`: flags into the library's eval run, then the score table, notes, warnings and process signals.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { EXIT_INTERRUPTED } from '../errors.js';
import { DEFAULT_MAX_RESPONSE, DEFAULT_TIMEOUT, EVAL_DEFAULTS, evalExitCode, executeEval, toEvalPlan, type EvalFlags } from '../eval/evaluate.js';
import { judgeLine, renderScoreTable } from '../eval/table.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description('run accuracy benchmarks (MMLU, GSM8K, HumanEval...) against an endpoint; without --url, against the built-in simulator (a test double)')
    .option('--datasets <list>', 'comma-separated benchmarks: mmlu, ceval, arc, hellaswag, truthfulqa, gsm8k, math, humaneval, bbh, triviaqa, general_qa, dynamic-arithmetic, ifeval, mmlu_pro, gpqa_diamond, math500, aime, needle, induction, injection')
    .option('--dataset <list>', 'same as --datasets')
    .option('--url <url>', 'OpenAI-compatible server, e.g. http://127.0.0.1:8000 (default: start the simulator)')
    .option('--model <id>', 'model id (default: the first one GET /v1/models lists)')
    .option('--api-key-env <VAR>', 'environment variable holding the API key (default OPENAI_API_KEY)')
    .option('--data-dir <dir>', 'one sub-folder per benchmark holding its files as distributed (default: the shipped samples)')
    .option('--limit <n>', 'at most n items per benchmark, spread over its subsets')
    .option('--few-shot <k>', 'few-shot examples per prompt (default: each benchmark\'s standard)')
    .option('--concurrency <n>', 'requests in flight', EVAL_DEFAULTS.concurrency)
    .addOption(new Option('--mode <mode>', 'generate (chat, answer parsed from text) or loglikelihood (completions echo+logprobs, multiple choice)').default(EVAL_DEFAULTS.mode))
    .option('--seed <n>', 'seed for shuffles, generated items and the simulator', EVAL_DEFAULTS.seed)
    .option('--allow-code-execution', 'let HumanEval run model-written Python, each program inside a bubblewrap sandbox (no network, no view of your files or processes, time/CPU/memory/file/process limits)')
    .option('--unsafe-no-sandbox', 'with --allow-code-execution: run the programs WITHOUT bubblewrap (as nobody when root; limits and a process-group kill only)')
    .option('--out <dir>', 'output folder for eval.json, eval-samples.jsonl and the response cache')
    .option('--no-cache', 'do not read or write the response cache')
    .option('--cache-dir <dir>', 'response cache folder, shared by runs so an interrupted eval resumes', EVAL_DEFAULTS.cacheDir)
    .option('--samples <n>', 'answers sampled per HumanEval task (pass@k for k <= n)', EVAL_DEFAULTS.samples)
    .option('--max-tokens <n>', 'generation budget per answer in generate mode (default: per benchmark, 64-1024; raise it for reasoning models)')
    .option('--code-timeout <seconds>', 'time limit per HumanEval program', EVAL_DEFAULTS.codeTimeout)
    .option('--timeout <time>', 'time limit per request (e.g. 90s, 10m)', DEFAULT_TIMEOUT)
    .option('--max-response-bytes <size>', 'a response longer than this (e.g. 16MiB) ends as response_too_large, so an endless stream cannot exhaust memory', DEFAULT_MAX_RESPONSE)
    .option('--sim-accuracy <p>', 'without --url: probability that the simulator answers correctly', EVAL_DEFAULTS.simAccuracy)
    .option('--sim-comply-rate <p>', 'without --url: comply mode for attack probes (induction, injection): the simulator gives the attacker\'s answer with probability p, else a refusal (seeded; default: probes follow --sim-accuracy)')
    .option('--judge-url <url>', 'judge model for judge-scored benchmarks (injection), an OpenAI-compatible server (default: the built-in simulator\'s refusal-phrase rule, a test double)')
    .option('--judge-model <id>', 'judge model id (default: the first one the judge\'s GET /v1/models lists)')
    .option('--judge-api-key-env <VAR>', 'environment variable holding the judge\'s API key (default OPENAI_API_KEY)')
    .option('--rouge-tokenizer <name>', 'general_qa ROUGE tokenization: rouge_score (default, as Google\'s rouge_score: drops non-ASCII letters, so Chinese scores 0) or cjk (each CJK character a token; metrics named rouge*_cjk)', EVAL_DEFAULTS.rougeTokenizer)
    .option('--needle-lengths <list>', 'needle test: prompt lengths in tokens of 4 characters, e.g. 1k,4k,16k,64k', '1k,4k,16k')
    .option('--needle-depths <list>', 'needle test: where the needle sits, percent of the text before it', '0,25,50,75,100')
    .option('--needle-samples <n>', 'needle test: needles per (length, depth) cell', '2')
    .option('-q, --quiet', 'print only the score table (and errors)')
    .action(async (flags: EvalFlags) => {
      const plan = toEvalPlan(flags);
      const log = (line: string): void => {
        if (!plan.quiet) process.stderr.write(`${line}\n`);
      };
      // Answers are cached as they arrive, so stopping loses nothing: say how to resume, and go.
      const onSignal = (signal: NodeJS.Signals): void => {
        const resume = plan.cache ? `every answer received so far is cached in ${plan.cacheDir}; run the same command again to resume` : 'nothing was cached (--no-cache)';
        process.stderr.write(`\n${signal}: eval stopped; ${resume}\n`);
        process.exit(EXIT_INTERRUPTED);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let result: Awaited<ReturnType<typeof executeEval>>;
      try {
        result = await executeEval(plan, log);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const { doc, outDir } = result;
      process.stdout.write(`${renderScoreTable(doc)}\n`);
      for (const [name, b] of Object.entries(doc.benchmarks)) for (const note of b.notes) log(`note: ${name}: ${note}`);
      for (const [name, b] of Object.entries(doc.benchmarks)) if (b.judge) log(`judge: ${name}: ${judgeLine(b.judge)}`);
      // Printed even under -q: a score on the samples must never be read as a benchmark score.
      for (const warning of doc.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (doc.simulated) log('These scores come from the built-in simulator (a test double), not from a model.');
      log(`Wrote ${join(outDir, 'eval.json')} and ${join(outDir, 'eval-samples.jsonl')}`);
      // A benchmark with no scored item has no score: an error even under --quiet, and exit code 4.
      for (const [name, b] of Object.entries(doc.benchmarks)) if (b.error !== null) process.stderr.write(`error: ${name}: ${b.error}\n`);
      const code = evalExitCode(doc);
      if (code !== 0) process.exitCode = code;
    });
}
