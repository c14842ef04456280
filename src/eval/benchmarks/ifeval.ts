// IFEval (Zhou et al. 2023): prompts with verifiable instructions, scored by rules at prompt and instruction level, strict and loose.
import { UsageError } from '../../errors.js';
import { findFiles, field, parseJsonl, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark, SampleScore } from '../types.js';
import { buildCheck, CHECKS, followList, NEEDS_LANGUAGE_MODEL, type Kwargs } from './ifeval-checks.js';

interface IfevalData {
  key: string;
  prompt: string;
  instructions: string[];
  kwargs: Kwargs[];
  /** llmperf-only fields of the shipped sample: replies that follow every / no instruction (the simulator's answers). */
  sampleResponse: string | null;
  sampleWrongResponse: string | null;
}

const ifd = (item: EvalItem): IfevalData => item.data as unknown as IfevalData;

function readFile(file: string): EvalItem[] {
  return parseJsonl(readText(file), file).map(({ line, value }) => {
    const where = `${file}:${line}`;
    const ids = value.instruction_id_list;
    const kwargs = value.kwargs;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw new UsageError(`${where}: "instruction_id_list" must be a list of instruction ids`);
    if (!Array.isArray(kwargs) || kwargs.length !== ids.length) throw new UsageError(`${where}: "kwargs" must be a list with one object per instruction id (${ids.length})`);
    const data: IfevalData = {
      key: String(value.key ?? line),
      prompt: field(value, 'prompt', where),
      instructions: ids as string[],
      kwargs: kwargs.map((k) => (k && typeof k === 'object' ? (k as Kwargs) : {})),
      sampleResponse: typeof value.sample_response === 'string' ? value.sample_response : null,
      sampleWrongResponse: typeof value.sample_wrong_response === 'string' ? value.sample_wrong_response : null,
    };
    return { id: `ifeval/${data.key}`, subset: 'ifeval', source: where, data: { ...data } };
  });
}

/** Refuses the whole set, before any request, when it uses ids llmperf cannot check: all of them, with counts. */
function assertSupported(items: readonly EvalItem[]): void {
  const missing = new Map<string, number>();
  for (const item of items) for (const id of ifd(item).instructions) if (!CHECKS[id]) missing.set(id, (missing.get(id) ?? 0) + 1);
  if (missing.size === 0) return;
  const listed = [...missing].map(([id, n]) => `${id} (${n} prompt${n === 1 ? '' : 's'}${NEEDS_LANGUAGE_MODEL.includes(id) ? ', needs a language detector' : ''})`).join(', ');
  throw new UsageError(`ifeval: unsupported instruction ids: ${listed}; remove those rows (e.g. jq 'select(all(.instruction_id_list[]; . != "ID"))') or use lm-evaluation-harness for them`);
}

/** Strict and loose verdicts per instruction, checked exactly as the reference's utils.py does. */
export function scoreIfeval(item: EvalItem, response: string): SampleScore {
  const d = ifd(item);
  const checks = d.instructions.map((id, i) => buildCheck(id, d.kwargs[i] ?? {}, d.prompt, item.source));
  const { strict, loose } = followList(checks, response);
  const promptStrict = strict.every(Boolean) ? 1 : 0;
  const promptLoose = loose.every(Boolean) ? 1 : 0;
  const followed = (list: boolean[]): string => d.instructions.filter((_, i) => !list[i]).join(', ');
  return {
    value: promptStrict,
    values: { prompt_level_strict_acc: promptStrict, prompt_level_loose_acc: promptLoose },
    counts: { instructions: checks.length, inst_strict_followed: strict.filter(Boolean).length, inst_loose_followed: loose.filter(Boolean).length },
    // The review file shows which instructions failed (strict), the quickest way to spot a checker disagreement.
    extracted: promptStrict ? 'all followed' : `not followed: ${followed(strict)}`,
    gold: d.instructions.join(', '),
  };
}

export const ifeval: Benchmark = {
  name: 'ifeval',
  folder: 'ifeval',
  metric: 'prompt_level_strict_acc',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'ifeval');
    const files = findFiles(root, /(^|\/)(ifeval_)?input_data\.jsonl$/);
    if (files.length === 0) throw new UsageError(`${root}: no input_data.jsonl (google-research instruction_following_eval/data/input_data.jsonl, or google/IFEval's ifeval_input_data.jsonl)`);
    const items = files.flatMap(readFile);
    assertSupported(items);
    // Build every check once now, so a bad kwargs value fails at load time with its file:line, not mid-run.
    for (const item of items) ifd(item).instructions.forEach((id, i) => buildCheck(id, ifd(item).kwargs[i] ?? {}, ifd(item).prompt, item.source));
    const notes = ['sentences are counted with instructions_util.split_into_sentences, not NLTK punkt; capital words with a whitespace tokenizer, not nltk.word_tokenize (see docs/eval.md)'];
    return { items, shots: [], files, notes };
  },
  // Zero-shot, the prompt alone, as lm-eval's ifeval task sends it (max_gen_toks 1280).
  buildGenerate(item) {
    const prompt = ifd(item).prompt;
    return { messages: [{ role: 'user', content: prompt }], maxTokens: 1280, temperature: 0, match: prompt };
  },
  scoreGenerate: async (item, texts) => scoreIfeval(item, texts[0] ?? ''),
  simAnswer(item) {
    const d = ifd(item);
    // Real IFEval rows carry no replies: the simulator's score on them says nothing (the run is marked simulated anyway).
    const fallback = 'The simulator has no reply written for this prompt.';
    return [{ match: d.prompt, correct: d.sampleResponse ?? fallback, incorrect: d.sampleWrongResponse ?? fallback }];
  },
  /** lm-eval's agg_inst_level_acc: instructions followed over all instructions, pooled across prompts (failed requests follow none). */
  aggregate(samples) {
    let total = 0;
    let strict = 0;
    let loose = 0;
    for (const { item, score } of samples) {
      total += ifd(item).instructions.length;
      strict += score.counts?.inst_strict_followed ?? 0;
      loose += score.counts?.inst_loose_followed ?? 0;
    }
    return { inst_level_strict_acc: total > 0 ? strict / total : 0, inst_level_loose_acc: total > 0 ? loose / total : 0 };
  },
};
