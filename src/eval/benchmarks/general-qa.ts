// A user's own question set: JSONL `{question, answer}` or `{messages, answer}`, one subset per file; ROUGE and BLEU.
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { stripReasoning } from '../extract.js';
import { findFiles, parseJsonl, readText, requireDir } from '../data.js';
import { corpusBleu, sentenceBleu } from '../metrics/bleu.js';
import { bitsPerByte, bytePerplexity, corpusPerplexity, countBytes, countWords, wordPerplexity } from '../metrics/perplexity.js';
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
  // With --rouge-tokenizer cjk the metrics carry the tokenizer in their name, so they are never read as rouge_score's.
  generateMetric: (ctx) => (ctx.rougeTokenizer === 'cjk' ? 'rougeL_cjk' : 'rougeL'),
  llMetric: 'perplexity',
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
    const modeNotes = {
      generate: ['bleu is corpus BLEU (sacrebleu defaults, 0-100); sentence_bleu per item is sacrebleu\'s sentence_bleu (effective order); rouge scores are 0-1 F-measures'],
      loglikelihood: [
        'perplexity is per token of the server\'s tokenizer over the reference answers, corpus-level: exp(-sum log p / sum tokens), in every row; word_perplexity, byte_perplexity and bits_per_byte follow lm-evaluation-harness over the answers\' words (re.split(r"\\s+")) and UTF-8 bytes',
      ],
    };
    return { items, shots: [], files, notes: [], modeNotes };
  },
  buildGenerate(item) {
    const messages = qd(item).messages;
    const last = [...messages].reverse().find((m) => m.role === 'user');
    return { messages, maxTokens: 512, temperature: 0, match: last?.content ?? '' };
  },
  async scoreGenerate(item, texts, ctx) {
    const prediction = stripReasoning(texts[0] ?? '');
    const cjk = ctx.rougeTokenizer === 'cjk';
    const r = rouge(prediction, qd(item).answer, cjk ? 'cjk' : 'rouge_score');
    const named: Record<string, number> = cjk ? { rouge1_cjk: r.rouge1, rouge2_cjk: r.rouge2, rougeL_cjk: r.rougeL } : { ...r };
    return { value: r.rougeL, values: { ...named, sentence_bleu: sentenceBleu(prediction, [qd(item).answer]) }, extracted: prediction, gold: qd(item).answer };
  },
  // Loglikelihood mode: the perplexity of each reference answer after its question (lower is better).
  buildChoices(item) {
    const last = [...qd(item).messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const context = `${qd(item).messages.map((m) => `${m.role === 'user' ? 'Question' : m.role === 'system' ? 'Instructions' : 'Answer'}: ${m.content}`).join('\n')}\nAnswer:`;
    return { context, continuations: [` ${qd(item).answer}`], gold: 0, match: last };
  },
  scoreChoices(item, logprobs, _request, tokenCounts) {
    const logprob = logprobs[0] ?? Number.NEGATIVE_INFINITY;
    const tokens = tokenCounts[0] ?? 0;
    const perplexity = tokens > 0 ? Math.exp(-logprob / tokens) : Number.POSITIVE_INFINITY;
    const answer = qd(item).answer;
    return { value: perplexity, values: { perplexity }, counts: { logprob_sum: logprob, tokens, words: countWords(answer), bytes: countBytes(answer) }, extracted: null, gold: answer };
  },
  aggregate(samples, mode): Record<string, number> {
    if (mode === 'loglikelihood') {
      // Items whose request failed have no log-likelihood: left out of every perplexity, not counted as certain.
      const scored = samples.filter((s) => s.score.counts !== undefined);
      const texts = scored.map((s) => ({ logprobSum: s.score.counts!.logprob_sum ?? 0, text: qd(s.item).answer }));
      return {
        perplexity: corpusPerplexity(scored.map((s) => ({ logprobSum: s.score.counts!.logprob_sum ?? 0, tokens: s.score.counts!.tokens ?? 0 }))),
        word_perplexity: wordPerplexity(texts),
        byte_perplexity: bytePerplexity(texts),
        bits_per_byte: bitsPerByte(texts),
      };
    }
    const hyps = samples.map((s) => s.score.extracted ?? '');
    return { bleu: corpusBleu(hyps, [samples.map((s) => qd(s.item).answer)]).score };
  },
  simAnswer(item, mode) {
    const last = [...qd(item).messages].reverse().find((m) => m.role === 'user');
    if (mode === 'loglikelihood') return [{ match: last?.content ?? '', correct: ` ${qd(item).answer}`, incorrect: ' I cannot answer that question.' }];
    return [{ match: last?.content ?? '', correct: qd(item).answer, incorrect: 'I cannot answer that question.' }];
  },
};
