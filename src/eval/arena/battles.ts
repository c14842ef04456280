// Plans the judge requests of each mode and turns the judge's replies into auditable battle and grade records.
import { fillTemplate, type PromptSet } from './prompts.js';
import type { ArenaMode, Question } from './types.js';
import { combineBothOrders, parsePairVerdict, parseRating } from './verdict.js';

/** One request to the judge. Identical prompts across modes (baseline pairs are also pairwise pairs) are sent once. */
export interface JudgeTask {
  mode: ArenaMode;
  question: Question;
  prompt: string;
}

/** What came back for one request: the reply text, or why there is none. */
export interface Reply {
  ok: boolean;
  text: string;
  error: string | null;
}

export type BattleStatus = 'decided' | 'unparsable' | 'judge_error' | 'answer_error';

/** One battle as written to arena.json: everything a user needs to audit the judge. */
export interface PairBattleRecord {
  question_id: number;
  category: string;
  question: string;
  reference: string | null;
  model_a: string;
  model_b: string;
  answer_a: string | null;
  answer_b: string | null;
  /** The judge's reply with model_a shown as Assistant A, and its parsed verdict. */
  judgment_ab: string | null;
  verdict_ab: 'A' | 'B' | 'tie' | null;
  /** The judge's reply with the order swapped (model_b shown as Assistant A). */
  judgment_ba: string | null;
  verdict_ba: 'A' | 'B' | 'tie' | null;
  winner: 'model_a' | 'model_b' | 'tie' | null;
  /** False when the two orders disagreed; such a battle is counted as a tie. */
  consistent: boolean;
  status: BattleStatus;
}

export interface SingleGradeRecord {
  question_id: number;
  category: string;
  question: string;
  reference: string | null;
  model: string;
  answer: string | null;
  judgment: string | null;
  score: number | null;
  status: 'graded' | 'unparsable' | 'judge_error' | 'answer_error';
}

/** Answers by model name, then by question id; null when the candidate's request failed. */
export type AnswerTable = Map<string, (string | null)[]>;

/** The pairs each pair mode compares, in a fixed order so online Elo is reproducible. */
export function pairsFor(mode: 'pairwise' | 'baseline', models: readonly string[], baseline: string | null): [string, string][] {
  if (mode === 'baseline') return models.filter((m) => m !== baseline).map((m) => [baseline!, m]);
  const pairs: [string, string][] = [];
  for (let i = 0; i < models.length; i++) for (let j = i + 1; j < models.length; j++) pairs.push([models[i]!, models[j]!]);
  return pairs;
}

function pairPrompt(prompts: PromptSet, question: Question, first: string, second: string): string {
  const template = question.reference !== null ? prompts.pairwise_reference : prompts.pairwise;
  return fillTemplate(template, { question: question.question, answer_a: first, answer_b: second, reference: question.reference ?? '' });
}

function singlePrompt(prompts: PromptSet, question: Question, answer: string): string {
  const template = question.reference !== null ? prompts.single_reference : prompts.single;
  return fillTemplate(template, { question: question.question, answer, reference: question.reference ?? '' });
}

/** Every judge prompt the modes need, given the answers (missing answers need no judging). */
export function planJudgeTasks(modes: readonly ArenaMode[], models: readonly string[], baseline: string | null, questions: readonly Question[], answers: AnswerTable, prompts: PromptSet): JudgeTask[] {
  const tasks: JudgeTask[] = [];
  for (const mode of modes) {
    // Peer examination is judged by the candidates themselves (peer.ts), not by the central judge.
    if (mode === 'peer') continue;
    for (const question of questions) {
      if (mode === 'single') {
        for (const model of models) {
          const answer = answers.get(model)?.[question.id];
          if (answer != null) tasks.push({ mode, question, prompt: singlePrompt(prompts, question, answer) });
        }
        continue;
      }
      for (const [a, b] of pairsFor(mode, models, baseline)) {
        const answerA = answers.get(a)?.[question.id];
        const answerB = answers.get(b)?.[question.id];
        if (answerA == null || answerB == null) continue;
        tasks.push({ mode, question, prompt: pairPrompt(prompts, question, answerA, answerB) });
        tasks.push({ mode, question, prompt: pairPrompt(prompts, question, answerB, answerA) });
      }
    }
  }
  return tasks;
}

/** Distinct prompts in first-seen order: the judge requests actually sent. */
export function uniquePrompts(tasks: readonly JudgeTask[]): string[] {
  return [...new Set(tasks.map((task) => task.prompt))];
}

/** Builds the battle records of one pair mode from the judge's replies (keyed by prompt). */
export function collectPairBattles(mode: 'pairwise' | 'baseline', models: readonly string[], baseline: string | null, questions: readonly Question[], answers: AnswerTable, prompts: PromptSet, replies: Map<string, Reply>): PairBattleRecord[] {
  const records: PairBattleRecord[] = [];
  for (const question of questions) {
    for (const [a, b] of pairsFor(mode, models, baseline)) {
      const answerA = answers.get(a)?.[question.id] ?? null;
      const answerB = answers.get(b)?.[question.id] ?? null;
      const base = { question_id: question.id, category: question.category, question: question.question, reference: question.reference, model_a: a, model_b: b, answer_a: answerA, answer_b: answerB };
      if (answerA === null || answerB === null) {
        records.push({ ...base, judgment_ab: null, verdict_ab: null, judgment_ba: null, verdict_ba: null, winner: null, consistent: false, status: 'answer_error' });
        continue;
      }
      const replyAb = replies.get(pairPrompt(prompts, question, answerA, answerB));
      const replyBa = replies.get(pairPrompt(prompts, question, answerB, answerA));
      const verdictAb = replyAb?.ok ? parsePairVerdict(replyAb.text) : null;
      const verdictBa = replyBa?.ok ? parsePairVerdict(replyBa.text) : null;
      const combined = combineBothOrders(verdictAb, verdictBa);
      const judgeFailed = !replyAb?.ok || !replyBa?.ok;
      records.push({
        ...base,
        judgment_ab: replyAb?.ok ? replyAb.text : (replyAb?.error ?? null),
        verdict_ab: verdictAb,
        judgment_ba: replyBa?.ok ? replyBa.text : (replyBa?.error ?? null),
        verdict_ba: verdictBa,
        winner: judgeFailed ? null : combined.winner,
        consistent: !judgeFailed && combined.consistent,
        status: judgeFailed ? 'judge_error' : combined.winner === null ? 'unparsable' : 'decided',
      });
    }
  }
  return records;
}

export function collectSingleGrades(models: readonly string[], questions: readonly Question[], answers: AnswerTable, prompts: PromptSet, replies: Map<string, Reply>): SingleGradeRecord[] {
  const records: SingleGradeRecord[] = [];
  for (const question of questions) {
    for (const model of models) {
      const answer = answers.get(model)?.[question.id] ?? null;
      const base = { question_id: question.id, category: question.category, question: question.question, reference: question.reference, model, answer };
      if (answer === null) {
        records.push({ ...base, judgment: null, score: null, status: 'answer_error' });
        continue;
      }
      const reply = replies.get(singlePrompt(prompts, question, answer));
      if (!reply?.ok) {
        records.push({ ...base, judgment: reply?.error ?? null, score: null, status: 'judge_error' });
        continue;
      }
      const score = parseRating(reply.text);
      records.push({ ...base, judgment: reply.text, score, status: score === null ? 'unparsable' : 'graded' });
    }
  }
  return records;
}
