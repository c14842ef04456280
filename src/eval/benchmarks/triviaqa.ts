// TriviaQA: its JSON `{Data: [{Question, QuestionId, Answer: {Value, Aliases, NormalizedAliases}}]}`; official EM and F1.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { extractShortAnswer } from '../extract.js';
import { findFiles, readJson, requireDir } from '../data.js';
import { maxOverGolds } from '../metrics/squad.js';
import { triviaqaExactMatch, triviaqaF1 } from '../metrics/triviaqa.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';

interface TqData {
  question: string;
  value: string;
  aliases: string[];
}

const td = (item: EvalItem): TqData => item.data as unknown as TqData;

function readFile(file: string): EvalItem[] {
  const doc = readJson(file) as { Data?: unknown };
  if (!doc || !Array.isArray(doc.Data)) throw new UsageError(`${file}:1: expected TriviaQA's {"Data": [...]} document`);
  const subset = basename(file, '.json');
  return doc.Data.map((entry: Record<string, unknown>, index: number): EvalItem => {
    const where = `${file}: Data[${index}]`;
    const answer = entry?.Answer as { Value?: unknown; Aliases?: unknown; NormalizedAliases?: unknown } | undefined;
    if (typeof entry?.Question !== 'string' || !answer || typeof answer.Value !== 'string') throw new UsageError(`${where}: needs "Question" and "Answer.Value"`);
    const aliases = [answer.Value, ...(Array.isArray(answer.Aliases) ? answer.Aliases.map(String) : []), ...(Array.isArray(answer.NormalizedAliases) ? answer.NormalizedAliases.map(String) : [])];
    const data: TqData = { question: entry.Question, value: answer.Value, aliases: [...new Set(aliases)] };
    return { id: String(entry.QuestionId ?? `${subset}/${index}`), subset, source: where, data: { ...data } };
  });
}

export const triviaqa: Benchmark = {
  name: 'triviaqa',
  folder: 'triviaqa',
  metric: 'exact_match',
  defaultFewShot: 0,
  async load(dir, ctx): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'triviaqa');
    const all = findFiles(root, /\.json$/);
    const evalFiles = all.filter((f) => !/-train\.json$/.test(f));
    if (evalFiles.length === 0) throw new UsageError(`${root}: no TriviaQA qa/*-dev.json files`);
    // The train files run to gigabytes: read them only when few-shot examples are asked for.
    const trainFiles = (ctx.fewShot ?? 0) > 0 ? all.filter((f) => /-train\.json$/.test(f)) : [];
    return { items: evalFiles.flatMap(readFile), shots: trainFiles.flatMap(readFile), files: [...evalFiles, ...trainFiles], notes: [] };
  },
  buildGenerate(item, shots) {
    const examples = shots.map((s) => `Question: ${td(s).question}\nAnswer: ${td(s).value}\n\n`).join('');
    const content = `Answer the question with a short answer of a few words only.\n\n${examples}Question: ${td(item).question}\nAnswer:`;
    return { messages: [{ role: 'user', content }], maxTokens: 64, temperature: 0, match: `Question: ${td(item).question}\nAnswer:` };
  },
  async scoreGenerate(item, texts) {
    const extracted = extractShortAnswer(texts[0] ?? '');
    // The official triviaqa_evaluation.py: its normalisation (punctuation and underscores to spaces), max over aliases.
    const em = maxOverGolds(triviaqaExactMatch, extracted, td(item).aliases);
    const f1 = maxOverGolds(triviaqaF1, extracted, td(item).aliases);
    return { value: em, values: { exact_match: em, f1 }, extracted, gold: td(item).value };
  },
  simAnswer(item) {
    return [{ match: `Question: ${td(item).question}\nAnswer:`, correct: `${td(item).value}`, incorrect: 'I am not sure' }];
  },
};
