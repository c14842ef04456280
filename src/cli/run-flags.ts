// The `run` command's flags on a commander command (the default command, `run`, `sweep` and `capacity` share them).
import type { Command } from 'commander';
import { REPORT_FORMATS } from '../report/formats.js';
import { addWorkloadOptions } from '../workload/options.js';
import { addClusterOptions } from '../cluster/plan.js';
import { addLiveOptions } from '../live/options.js';
import { DEFAULT_OUTPUT_TOKENS } from '../run/plan.js';
import { RUN_DEFAULTS } from '../run/defaults.js';
import { collect } from '../util/parse.js';
import { addVllmAliases } from './aliases.js';

export type { RunFlags } from '../run/plan.js';

/** Declares the run flags on a command (the default command and `run` share them). */
export function addRunOptions(command: Command): Command {
  return addVllmAliases(addLiveOptions(addWorkloadOptions(addClusterOptions(command))))
    .option('--url <url>', 'base URL of the OpenAI-compatible server (http://host:8000 or .../v1); without it, the built-in simulator')
    .option('--model <name>', 'model id (default: the first id of GET /v1/models)')
    .option('--api <kind>', 'chat, completions, embeddings, responses (OpenAI /v1/responses) or messages (Anthropic /v1/messages)', RUN_DEFAULTS.api)
    .option('-c, --concurrency <n>', 'requests in flight (closed loop), or the cap with --rate (default 1)')
    .option('-n, --requests <n>', 'requests to send (default: 100, or 2x concurrency if larger)')
    .option('--duration <time>', 'send for this long instead of a count (e.g. 30s, 5m)')
    .option('--rate <r>', 'open loop: arrivals at r requests/s (seeded; see --arrival), --concurrency caps in-flight requests')
    .option('--users <n>', 'n users, each a conversation loop (send a turn, wait for the reply, think, next turn; then a new conversation); instead of -c and --rate')
    .option('--think-time <time>', 'pause between a reply and the next turn: TIME, MIN:MAX, normal:MEAN,SD, exp:MEAN (e.g. normal:5s,2s), or data (the dataset\'s recorded pauses); seeded')
    .option('--prompts <file>', 'shorthand for --dataset-path: one prompt a line, or JSONL with "prompt" or "messages"')
    .option('--input-tokens <n>', '--dataset random: prompt length in tokens: N, MIN:MAX (uniform) or normal:MEAN,SD')
    .option('--output-tokens <n>', `max_tokens: N, MIN:MAX or normal:MEAN,SD (default ${DEFAULT_OUTPUT_TOKENS}, or the dataset's recorded reply length)`)
    .option('--header <"K: V">', 'extra request header (repeatable); values never appear in results', collect, [])
    .option('--api-key-env <var>', 'environment variable holding the API key', RUN_DEFAULTS.apiKeyEnv)
    .option('--api-key-file <file>', 'read the API key from a file instead')
    .option('--tools <file>', 'JSON array of OpenAI tool schemas sent with every request; each tool call\'s arguments are checked against its parameters (tool_call_valid_rate)')
    .option('--tool-choice <mode>', 'with tools: auto, required, none, or the name of the tool to call (default: the server\'s, auto)')
    .option('--response-format <file>', 'JSON Schema every answer must follow (sent as response_format json_schema, strict); answers are validated (schema_valid_rate)')
    .option('--continuous-usage', 'ask for usage in every chunk (vLLM stream_options.continuous_usage_stats): tokens per package and ITL per token')
    .option('--timeout <time>', 'per-request timeout', RUN_DEFAULTS.timeout)
    .option('--idle-timeout <time>', 'end a request when no bytes arrive for this long (default: the timeout)')
    .option('--max-event-bytes <size>', 'fail a request as event_too_large when one SSE line or event exceeds this size (e.g. 512KB, 4MB)', '1MB')
    .option('--out <dir>', 'output folder (default reports/<timestamp>-<model>/)')
    .option('--overwrite', "write into an --out folder even if it holds another run's results (they are replaced)")
    .option('--json', 'print the result document to stdout')
    .option('--seed <n>', 'seed for prompt order and arrivals', RUN_DEFAULTS.seed)
    .option('-q, --quiet', 'no progress line and no tables')
    .option('--no-stream', 'non-streaming requests (TTFT then equals latency)')
    .option('--extra-body <json>', 'JSON object merged into every request body')
    .option('--warmup <n>', 'requests sent first and excluded from the statistics', RUN_DEFAULTS.warmup)
    .option('--insecure', 'do not verify TLS certificates')
    .option('--no-preconnect', 'do not open the first wave\'s connections nor warm the response path before the timed window (set-up then delays the first wave; never counted in TTFT)')
    .option('--grace <time>', 'on SIGINT/SIGTERM, wait this long for in-flight requests', RUN_DEFAULTS.grace)
    .option('--retries <n>', 'resend a request failing with 429, 503 or a reset before any byte up to n times (backoff, Retry-After); default 0: failures are reported', RUN_DEFAULTS.retries)
    .option('--cancel-rate <r>', 'abort this share (0..1) of requests on purpose, as users closing a tab; counted as cancelled_by_design, kept out of latency statistics')
    .option('--cancel-after <time>', '--cancel-rate: abort a chosen request this long after it was sent, if still running (default 1s)')
    .option('--format <list>', `outputs: ${REPORT_FORMATS.join(',')} (result.json is always written)`, RUN_DEFAULTS.format)
    .option('--slo <expr>', 'threshold that must hold, e.g. "ttft_ms.p99 < 500" (repeatable; exit 1 when one fails)', collect, [])
    .option('--workers <n>', 'engine threads: n, or auto for one per core; concurrency, rate and requests are split between them', RUN_DEFAULTS.workers)
    .option('--labels <names>', 'console row names: vllm (vllm bench serve\'s, with llmperf\'s beside them) or seed (the metric table)', 'vllm')
    .option('--fail-on-errors <rate>', 'exit 1 when more than this share of requests failed: 5%, 0.05, or 0 for any failure (default: off)')
    .option('--sim-ttft <ms>', 'built-in simulator: time to first token')
    .option('--sim-itl <ms>', 'built-in simulator: time between tokens')
    .option('--sim-output-tokens <n>', 'built-in simulator: natural response length')
    .option('--sim-slots <n>', 'built-in simulator: sequences decoded at once')
    .option('--sim-contention <x>', 'built-in simulator: token interval growth per active sequence (itl * (1 + x * (active - 1) / slots))')
    .option('--sim-prefix-cache <tokens>', 'built-in simulator: prefix cache size in tokens, 0 = none (default 1000000 for --dataset shared-prefix and trace, else none)')
    .option('--sim-reasoning-tokens <n>', 'built-in simulator: reasoning_content tokens streamed before the answer (a reasoning model)')
    .option('--sim-spec-tokens <k>', 'built-in simulator: speculative decoding with K draft tokens per step (several tokens per chunk)')
    .option('--sim-spec-accept <p>', 'built-in simulator: probability each draft token is accepted (default 0.7)')
    .option('--sim-tool-invalid-rate <r>', 'built-in simulator: share (0..1) of tool calls streamed with invalid arguments (seeded)')
    .option('--sim-schema-invalid-rate <r>', 'built-in simulator: share (0..1) of structured answers that break the --response-format schema (seeded)')
    .option('--sim-image-token-ms <ms>', 'built-in simulator: prefill time each image token adds (default 0.02; see docs/simulator.md#images)');
}
