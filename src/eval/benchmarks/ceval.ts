// C-Eval: per-subject CSVs with header `id,question,A,B,C,D,answer[,explanation]`; test answers are withheld, so val is scored.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../../errors.js';
import { findFiles, parseCsv, readJson, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';
import { continuationSim, letterInstruction, lettered, letterSim, mc, scoreByLoglikelihood, scoreLetter, type McData } from './mc.js';
import { cevalCategory } from './ceval-categories.js';

const LABELS = ['A', 'B', 'C', 'D'];

function readSplit(dir: string, split: string, names: Record<string, string>, categories: Record<string, string>): { items: EvalItem[]; files: string[] } {
  const files = findFiles(dir, new RegExp(`(^|/)${split}/[^/]+_${split}\\.csv$`));
  const items: EvalItem[] = [];
  for (const file of files) {
    const subject = basename(file).replace(new RegExp(`_${split}\\.csv$`), '');
    const rows = parseCsv(readText(file), file);
    const head = rows.shift();
    const columns = head?.fields.map((f) => f.trim()) ?? [];
    const at = (name: string): number => columns.indexOf(name);
    for (const col of ['question', 'A', 'B', 'C', 'D', 'answer']) {
      if (at(col) < 0) throw new UsageError(`${file}:1: header must name id,question,A,B,C,D,answer; "${col}" is missing`);
    }
    for (const { line, fields } of rows) {
      const answer = (fields[at('answer')] ?? '').trim().toUpperCase();
      const gold = LABELS.indexOf(answer);
      if (gold < 0) throw new UsageError(`${file}:${line}: answer must be one of A-D, got "${answer}"`);
      const data: McData = { question: fields[at('question')] ?? '', choices: LABELS.map((l) => fields[at(l)] ?? ''), labels: LABELS, gold };
      const id = fields[at('id')] ?? String(items.length);
      items.push({ id: `${subject}/${id}`, subset: subject, category: categories[subject] ?? cevalCategory(subject), source: `${file}:${line}`, data: { ...data, subjectName: names[subject] ?? subject.replace(/_/g, ' ') } });
    }
  }
  return { items, files };
}

function header(item: EvalItem): string {
  return `以下是中国关于${String(item.data.subjectName)}考试的单项选择题，请选出其中的正确答案。\n\n`;
}

function shotText(shots: readonly EvalItem[]): string {
  return shots.map((s) => `${lettered(mc(s))}\n答案：${mc(s).labels[mc(s).gold]}\n\n`).join('');
}

export const ceval: Benchmark = {
  name: 'ceval',
  folder: 'ceval',
  metric: 'accuracy',
  llMetric: 'acc',
  defaultFewShot: 5,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'ceval');
    // subject_mapping.json (published with C-Eval): subject -> [English name, Chinese name, category]
    const names: Record<string, string> = {};
    const categories: Record<string, string> = {};
    const mappingFile = join(root, 'subject_mapping.json');
    if (existsSync(mappingFile)) {
      for (const [k, v] of Object.entries(readJson(mappingFile) as Record<string, string[]>)) {
        if (Array.isArray(v) && v[1]) names[k] = v[1];
        if (Array.isArray(v) && v[2]) categories[k] = v[2];
      }
    }
    const val = readSplit(root, 'val', names, categories);
    if (val.items.length === 0) throw new UsageError(`${root}: no val/<subject>_val.csv files (C-Eval's published layout: dev, val, test)`);
    const dev = readSplit(root, 'dev', names, categories);
    const notes = ['C-Eval test answers are withheld by its authors: this score is on the val split, not test'];
    return { items: val.items, shots: dev.items, files: [...val.files, ...dev.files], notes };
  },
  pickShots(item, pool, k) {
    return pool.filter((s) => s.subset === item.subset).slice(0, k);
  },
  buildGenerate(item, shots) {
    const data = mc(item);
    const content = `${header(item)}${shotText(shots)}${lettered(data)}\n\n${letterInstruction(data.labels)}`;
    return { messages: [{ role: 'user', content }], maxTokens: 512, temperature: 0, match: lettered(data) };
  },
  async scoreGenerate(item, texts) {
    return scoreLetter(mc(item), texts);
  },
  buildChoices(item, shots) {
    const data = mc(item);
    return { context: `${header(item)}${shotText(shots)}${lettered(data)}\n答案：`, continuations: [...data.labels], gold: data.gold, match: lettered(data) };
  },
  scoreChoices(_item, logprobs, request) {
    return scoreByLoglikelihood(request, logprobs);
  },
  simAnswer(item, mode, ctx) {
    if (mode === 'loglikelihood') return continuationSim(this.buildChoices!(item, [], ctx));
    return letterSim(mc(item), lettered(mc(item)));
  },
};
