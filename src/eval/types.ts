// The benchmark adapter interface: every benchmark is one module implementing it, looked up by name.

import type { NeedleOptions } from './benchmarks/needle.js';
import type { RougeTokenizer } from './metrics/rouge.js';

export type EvalMode = 'generate' | 'loglikelihood';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One scored question. `data` holds the adapter's own parsed fields. */
export interface EvalItem {
  id: string;
  /** Subject, task, level or file: the row the score table breaks down by. */
  subset: string;
  /** A coarser grouping (MMLU and C-Eval categories). */
  category?: string;
  /** Where the item came from, "file:line", for the review file and error messages. */
  source: string;
  data: Record<string, unknown>;
}

export interface LoadContext {
  seed: number;
  /** Item count the user asked for (null = all); adapters that generate items use it. */
  limit: number | null;
  /** --few-shot (null = the benchmark's default): lets an adapter skip reading a large train split it will not use. */
  fewShot: number | null;
  /** --needle-lengths/--needle-depths/--needle-samples (absent: the needle test's defaults). */
  needle?: NeedleOptions;
}

export interface LoadedBenchmark {
  items: EvalItem[];
  /** The pool few-shot examples come from (dev/train split, or the benchmark's fixed exemplars). */
  shots: EvalItem[];
  /** Every file read, for the fingerprint's dataset hash. */
  files: string[];
  /** Things the user must know about this score (e.g. "C-Eval test answers are withheld: scored val"). */
  notes: string[];
  /** Notes that apply only to the mode the benchmark ends up running in (a BLEU note means nothing to perplexity). */
  modeNotes?: Partial<Record<EvalMode, string[]>>;
}

export interface PromptContext {
  fewShot: number;
  seed: number;
  /** Answers sampled per item (HumanEval pass@k); 1 elsewhere. */
  samples: number;
}

/** What generate mode sends for one item. */
export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** 0 unless sampling n > 1 answers (HumanEval pass@k). */
  temperature: number;
  /** The exact text the simulator's answer key matches on (unique to the item). */
  match: string;
  /** Answers to sample for this item (default 1). */
  samples?: number;
}

/** What loglikelihood mode sends for one multiple-choice item: one request per continuation. */
export interface ChoiceRequest {
  context: string;
  continuations: string[];
  gold: number;
  /** For MC2-style scoring: every continuation that is true. */
  goldSet?: number[];
  match: string;
}

/** One item's outcome, as it goes into the review file and the aggregation. */
export interface SampleScore {
  /** The primary per-sample value (1/0 for accuracy, F1, pass@1...). */
  value: number;
  /** Further per-sample metrics, averaged into the benchmark's `metrics`. */
  values?: Record<string, number>;
  /** Per-sample quantities that are not metrics (log-probability sums, token/word/byte counts): kept in the review file for corpus-level metrics, never averaged. */
  counts?: Record<string, number>;
  extracted: string | null;
  gold: string;
  /** Judge-scored benchmarks (injection): the parsed verdict and the judge's raw reply, for the review file. */
  judge?: JudgeRecord;
}

/** One answer as a judge model saw it: its verdict (null = unparseable or no reply), raw reply, or why there is none. */
export interface JudgeRecord {
  verdict: string | null;
  reply: string | null;
  error: string | null;
}

/** A judge model's reply to one judge prompt (null when the item had no answer to judge). */
export interface JudgeReply {
  ok: boolean;
  text: string;
  error: string | null;
}

/** The simulator's answer for one item: `correct` with probability p, else `incorrect`. */
export interface SimAnswer {
  match: string;
  correct: string;
  incorrect: string;
  /** An attack probe: in comply mode (--sim-comply-rate) `incorrect` is the complying reply, the other a refusal. */
  probe?: boolean;
}

export interface Benchmark {
  name: string;
  /** The sub-folder of --data-dir holding the benchmark's files as distributed (null: generated items). */
  folder: string | null;
  /** The primary metric in generate mode, e.g. "accuracy", "exact_match", "pass@1", "rougeL". */
  metric: string;
  /** The generate-mode headline when it depends on scoring options (general_qa: rougeL or rougeL_cjk). */
  generateMetric?(ctx: ScoreContext): string;
  /** The primary metric in loglikelihood mode ("acc" or "acc_norm"); absent: generate only. */
  llMetric?: 'acc' | 'acc_norm' | 'perplexity';
  defaultFewShot: number;
  /** Executes model-written code (needs --allow-code-execution). */
  executesCode?: boolean;
  load(dir: string | null, ctx: LoadContext): Promise<LoadedBenchmark>;
  /** Few-shot examples for an item, chosen from the pool (default: the first k). */
  pickShots?(item: EvalItem, pool: readonly EvalItem[], k: number): EvalItem[];
  buildGenerate(item: EvalItem, shots: readonly EvalItem[], ctx: PromptContext): GenerateRequest;
  /** Judge-scored benchmarks: the prompt a judge model is asked about one answer (the eval then needs a judge). */
  judgePrompt?(item: EvalItem, answer: string): string;
  /** `judged`: the judge's reply to judgePrompt for this item's answer (null: nothing to judge, the request failed). */
  scoreGenerate(item: EvalItem, texts: readonly string[], ctx: ScoreContext, judged?: JudgeReply | null): Promise<SampleScore>;
  buildChoices?(item: EvalItem, shots: readonly EvalItem[], ctx: PromptContext): ChoiceRequest;
  /** Scores one item from each continuation's summed log-probability (default: acc and acc_norm). */
  scoreChoices?(item: EvalItem, logprobs: readonly number[], request: ChoiceRequest, tokenCounts: readonly number[]): SampleScore;
  simAnswer(item: EvalItem, mode: EvalMode, ctx: PromptContext): SimAnswer[];
  /** Benchmark-level metrics that are not means of per-sample values (corpus BLEU). */
  aggregate?(samples: ReadonlyArray<{ item: EvalItem; score: SampleScore; texts: readonly string[] }>, mode: EvalMode): Record<string, number>;
}

export interface ScoreContext {
  seed: number;
  allowCodeExecution: boolean;
  /** Time limit per program, ms (HumanEval). */
  codeTimeoutMs: number;
  /** Run programs without bubblewrap (--unsafe-no-sandbox). */
  unsafeNoSandbox?: boolean;
  /** ROUGE tokenization: rouge_score's (default, drops non-ASCII letters) or llmperf's CJK-aware one. */
  rougeTokenizer?: RougeTokenizer;
}
