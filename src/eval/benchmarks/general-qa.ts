// A user's own question set: JSONL `{question, answer}` or `{messages, answer}`, one subset per file; ROUGE and BLEU.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { stripReasoning } from '../extract.js';
import { findFiles, parseJsonl, readText, requireDir } from '../data.js';
import { corpusBleu, sentenceBleu } from '../metrics/bleu.js';
import { rouge } from '../metrics/rouge.js';
import type { Benchmark, ChatMessage, EvalItem, LoadedBenchmark } from '../types.js';

interface QaData {
  messages: ChatMessage[];
  answer: string;
}

const qd = (item: EvalItem): QaData => item.data as unknown as QaData;

function toMessages(value: Record<string, unknown>, where: string): ChatMessage[] {
  if (typeof value.question === 'string') return [{ role: 'user', content: value.question }];
  if (Array.isArray(value.messages) && value.messages.every((m) => m && typeof m.content === 'string' && ['system', 'user', 'assistant'].includes(m.role))) {
    return value.messages as ChatMessage[];
  }
  throw new UsageError(`${where}: needs "question" (text) or "messages" ([{role, content}])`);
}

export const generalQa: Benchmark = {
  name: 'general_qa',
  folder: 'general_qa',
  metric: 'rougeL',
  defaultFewShot: 0,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'general_qa');
    const files = findFiles(root, /\.jsonl$/);
    if (files.length === 0) throw new UsageError(`${root}: no *.jsonl files with {question, answer} lines`);
    const items = files.flatMap((file) =>
      parseJsonl(readText(file), file).map(({ line, value }): EvalItem => {
        const where = `${file}:${line}`;
        if (typeof value.answer !== 'string') throw new UsageError(`${where}: needs "answer" (text)`);
        const data: QaData = { messages: toMessages(value, where), answer: value.answer };
        return { id: `${basename(file, '.jsonl')}/${line}`, subset: basename(file, '.jsonl'), source: where, data: { ...data } };
      }),
    );
    return { items, shots: [], files, notes: ['bleu is corpus BLEU on sacrebleu\'s 0-100 scale; rouge scores are 0-1 F-measures'] };
  },
  buildGenerate(item) {
    const messages = qd(item).messages;
    const last = [...messages].reverse().find((m) => m.role === 'user');
    return { messages, maxTokens: 512, temperature: 0, match: last?.content ?? '' };
  },
  async scoreGenerate(item, texts) {
    const prediction = stripReasoning(texts[0] ?? '');
    const r = rouge(prediction, qd(item).answer);
    return { value: r.rougeL, values: { ...r, bleu: sentenceBleu(prediction, [qd(item).answer]) }, extracted: prediction, gold: qd(item).answer };
  },
  aggregate(samples) {
    const hyps = samples.map((s) => s.score.extracted ?? '');
    return { bleu: corpusBleu(hyps, [samples.map((s) => qd(s.item).answer)]).score };
  },
  simAnswer(item) {
    const last = [...qd(item).messages].reverse().find((m) => m.role === 'user');
    return [{ match: last?.content ?? '', correct: qd(item).answer, incorrect: 'I cannot answer that question.' }];
  },
};
