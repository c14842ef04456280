// HellaSwag: JSONL `{ind, activity_label, ctx_a, ctx_b, ctx, endings[4], label, split_type}`; best scored by log-likelihood.
import { UsageError } from '../../errors.js';
import { findFiles, parseJsonl, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { continuationSim, letterInstruction, lettered, letterSim, mc, scoreByLoglikelihood, scoreLetter, LETTERS, type McData } from './mc.js';

/** lm-evaluation-harness's HellaSwag `preprocess`: WikiHow "[title]" marks become sentence breaks, brackets go. */
export function preprocessHellaswag(text: string): string {
  return text.trim().replace(/ \[title\]/g, '. ').replace(/\[.*?\]/g, '').replace(/ {2}/g, ' ');
}

function readSplit(dir: string, split: 'val' | 'train'): { items: EvalItem[]; files: string[] } {
  const files = findFiles(dir, new RegExp(`hellaswag_${split}\\.jsonl$`));
  const items: EvalItem[] = [];
  for (const file of files) {
    for (const { line, value } of parseJsonl(readText(file), file)) {
      const where = `${file}:${line}`;
      const endings = value.endings;
      const label = Number(value.label);
      if (!Array.isArray(endings) || endings.length < 2) throw new UsageError(`${where}: expected an "endings" array`);
      if (!Number.isInteger(label) || label < 0 || label >= endings.length) throw new UsageError(`${where}: "label" must index endings, got ${String(value.label)}`);
      const ctxB = String(value.ctx_b ?? '');
      // Python's str.capitalize(), as lm-evaluation-harness applies it: first letter upper, the rest lower.
      const ctx = value.ctx_a !== undefined ? `${String(value.ctx_a)} ${ctxB.charAt(0).toUpperCase()}${ctxB.slice(1).toLowerCase()}` : String(value.ctx ?? '');
      const query = preprocessHellaswag(`${String(value.activity_label ?? '')}: ${ctx}`);
      const data: McData = { question: query, choices: endings.map((e) => preprocessHellaswag(String(e))), labels: LETTERS.slice(0, endings.length), gold: label };
      items.push({ id: String(value.ind ?? line), subset: String(value.split_type ?? 'val'), source: where, data: { ...data } });
    }
  }
  return { items, files };
}

export const hellaswag: Benchmark = {
  name: 'hellaswag',
  folder: 'hellaswag',
  metric: 'accuracy',
  llMetric: 'acc_norm',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'hellaswag');
    const val = readSplit(root, 'val');
    if (val.items.length === 0) throw new UsageError(`${root}: no hellaswag_val.jsonl (the test split has no labels)`);
    const train = readSplit(root, 'train');
    return { items: val.items, shots: train.items, files: [...val.files, ...train.files], notes: [] };
  },
  buildGenerate(item, shots) {
    const data = mc(item);
    const examples = shots.map((s) => `${lettered(mc(s))}\nAnswer: ${mc(s).labels[mc(s).gold]}\n\n`).join('');
    const content = `Choose the most plausible continuation.\n\n${examples}${lettered(data)}\n\n${letterInstruction(data.labels)}`;
    return { messages: [{ role: 'user', content }], maxTokens: 512, temperature: 0, match: lettered(data) };
  },
  async scoreGenerate(item, texts) {
    return scoreLetter(mc(item), texts);
  },
  buildChoices(item, shots) {
    const data = mc(item);
    const examples = shots.map((s) => `${mc(s).question} ${mc(s).choices[mc(s).gold]}\n\n`).join('');
    return { context: `${examples}${data.question}`, continuations: data.choices.map((c) => ` ${c}`), gold: data.gold, match: data.question };
  },
  scoreChoices(_item, logprobs, request) {
    return scoreByLoglikelihood(request, logprobs);
  },
  simAnswer(item, mode, ctx) {
    if (mode === 'loglikelihood') return continuationSim(this.buildChoices!(item, [], ctx));
    return letterSim(mc(item), lettered(mc(item)));
  },
};
