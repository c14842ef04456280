// MMLU (Hendrycks et al.): per-subject CSVs `question,A,B,C,D,answer` without header, 5-shot from the dev split.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { findFiles, parseCsv, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { mmluCategory } from './mmlu-categories.js';
import { continuationSim, letterInstruction, lettered, letterSim, mc, scoreByLoglikelihood, scoreLetter, type McData } from './mc.js';

const LABELS = ['A', 'B', 'C', 'D'];

function subjectOf(file: string, split: string): string {
  return basename(file).replace(new RegExp(`_${split}\\.csv$`), '');
}

function readSplit(dir: string, split: string): { items: EvalItem[]; files: string[] } {
  const files = findFiles(dir, new RegExp(`(^|/)${split}/[^/]+_${split}\\.csv$`));
  const items: EvalItem[] = [];
  for (const file of files) {
    const subject = subjectOf(file, split);
    for (const { line, fields } of parseCsv(readText(file), file)) {
      if (fields.length !== 6) throw new UsageError(`${file}:${line}: expected 6 columns question,A,B,C,D,answer, got ${fields.length}`);
      const answer = fields[5]!.trim().toUpperCase();
      const gold = LABELS.indexOf(answer);
      if (gold < 0) throw new UsageError(`${file}:${line}: answer must be one of A-D, got "${fields[5]}"`);
      const data: McData = { question: fields[0]!, choices: fields.slice(1, 5), labels: LABELS, gold };
      items.push({ id: `${subject}/${items.length}`, subset: subject, category: mmluCategory(subject), source: `${file}:${line}`, data: { ...data } });
    }
  }
  return { items, files };
}

function header(subject: string): string {
  return `The following are multiple choice questions (with answers) about ${subject.replace(/_/g, ' ')}.\n\n`;
}

function shotText(shots: readonly EvalItem[]): string {
  return shots.map((s) => `${lettered(mc(s))}\nAnswer: ${mc(s).labels[mc(s).gold]}\n\n`).join('');
}

export const mmlu: Benchmark = {
  name: 'mmlu',
  folder: 'mmlu',
  metric: 'accuracy',
  llMetric: 'acc',
  defaultFewShot: 5,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'mmlu');
    const test = readSplit(root, 'test');
    if (test.items.length === 0) throw new UsageError(`${root}: no test/<subject>_test.csv files (MMLU's published layout: data/dev, data/val, data/test)`);
    const dev = readSplit(root, 'dev');
    return { items: test.items, shots: dev.items, files: [...test.files, ...dev.files], notes: [] };
  },
  pickShots(item, pool, k) {
    return pool.filter((s) => s.subset === item.subset).slice(0, k);
  },
  buildGenerate(item, shots) {
    const data = mc(item);
    const content = `${header(item.subset)}${shotText(shots)}${lettered(data)}\n\n${letterInstruction(data.labels)}`;
    return { messages: [{ role: 'user', content }], maxTokens: 512, temperature: 0, match: lettered(data) };
  },
  async scoreGenerate(item, texts) {
    return scoreLetter(mc(item), texts);
  },
  buildChoices(item, shots) {
    const data = mc(item);
    const context = `${header(item.subset)}${shotText(shots)}${lettered(data)}\nAnswer:`;
    return { context, continuations: data.labels.map((l) => ` ${l}`), gold: data.gold, match: lettered(data) };
  },
  scoreChoices(_item, logprobs, request) {
    return scoreByLoglikelihood(request, logprobs);
  },
  simAnswer(item, mode, ctx) {
    if (mode === 'loglikelihood') return continuationSim(this.buildChoices!(item, [], ctx));
    return letterSim(mc(item), lettered(mc(item)));
  },
};
