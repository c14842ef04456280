// ARC Easy/Challenge (AI2): JSONL `{id, question: {stem, choices: [{label, text}]}, answerKey}` per split file.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { findFiles, parseJsonl, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { continuationSim, letterInstruction, lettered, letterSim, mc, scoreByLoglikelihood, scoreLetter, type McData } from './mc.js';

function readSplit(dir: string, split: 'Test' | 'Train'): { items: EvalItem[]; files: string[] } {
  const files = findFiles(dir, new RegExp(`ARC-(Easy|Challenge)-${split}\\.jsonl$`));
  const items: EvalItem[] = [];
  for (const file of files) {
    const subset = /ARC-(Easy|Challenge)/.exec(basename(file))![1]!;
    for (const { line, value } of parseJsonl(readText(file), file)) {
      const where = `${file}:${line}`;
      const q = value.question as { stem?: unknown; choices?: unknown } | undefined;
      if (!q || typeof q.stem !== 'string' || !Array.isArray(q.choices)) throw new UsageError(`${where}: expected question.stem and question.choices`);
      const choices = q.choices as Array<{ label?: unknown; text?: unknown }>;
      const labels = choices.map((c) => String(c.label ?? ''));
      const gold = labels.indexOf(String(value.answerKey ?? ''));
      if (gold < 0) throw new UsageError(`${where}: answerKey "${String(value.answerKey)}" is not one of the choice labels ${labels.join(',')}`);
      const data: McData = { question: q.stem, choices: choices.map((c) => String(c.text ?? '')), labels, gold };
      items.push({ id: String(value.id ?? `${subset}/${line}`), subset, source: where, data: { ...data } });
    }
  }
  return { items, files };
}

export const arc: Benchmark = {
  name: 'arc',
  folder: 'arc',
  metric: 'accuracy',
  llMetric: 'acc_norm',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'arc');
    const test = readSplit(root, 'Test');
    if (test.items.length === 0) throw new UsageError(`${root}: no ARC-Easy-Test.jsonl or ARC-Challenge-Test.jsonl found`);
    const train = readSplit(root, 'Train');
    return { items: test.items, shots: train.items, files: [...test.files, ...train.files], notes: [] };
  },
  pickShots(item, pool, k) {
    return pool.filter((s) => s.subset === item.subset).slice(0, k);
  },
  buildGenerate(item, shots) {
    const data = mc(item);
    const examples = shots.map((s) => `${lettered(mc(s))}\nAnswer: ${mc(s).labels[mc(s).gold]}\n\n`).join('');
    const content = `${examples}${lettered(data)}\n\n${letterInstruction(data.labels)}`;
    return { messages: [{ role: 'user', content }], maxTokens: 512, temperature: 0, match: lettered(data) };
  },
  async scoreGenerate(item, texts) {
    return scoreLetter(mc(item), texts);
  },
  // lm-evaluation-harness's arc_easy/arc_challenge: "Question: ...\nAnswer:" scored on each choice's text.
  buildChoices(item, shots) {
    const data = mc(item);
    const examples = shots.map((s) => `Question: ${mc(s).question}\nAnswer: ${mc(s).choices[mc(s).gold]}\n\n`).join('');
    return { context: `${examples}Question: ${data.question}\nAnswer:`, continuations: data.choices.map((c) => ` ${c}`), gold: data.gold, match: `Question: ${data.question}\nAnswer:` };
  },
  scoreChoices(_item, logprobs, request) {
    return scoreByLoglikelihood(request, logprobs);
  },
  simAnswer(item, mode, ctx) {
    if (mode === 'loglikelihood') return continuationSim(this.buildChoices!(item, [], ctx));
    return letterSim(mc(item), lettered(mc(item)));
  },
};
