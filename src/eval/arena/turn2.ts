// MT-bench's second turn: asked with the model's own first answer in the history, judged on its own with the turn-2 templates.
import type { AnswerTable } from './battles.js';
import type { ChatHistory } from './requests.js';
import type { Question } from './types.js';

/** The questions that have a second turn, as the judge sees them: the second question and its reference. */
export function secondTurns(questions: readonly Question[]): Question[] {
  return questions.flatMap((q) => (q.turn2 ? [{ id: q.id, question: q.turn2, category: q.category, reference: q.reference2 ?? null }] : []));
}

/** What the candidate is sent for the second turn: its own first answer stays in the history. */
export function secondTurnHistory(question: Question, firstAnswer: string): ChatHistory {
  return [
    { role: 'user', content: question.question },
    { role: 'assistant', content: firstAnswer },
    { role: 'user', content: question.turn2! },
  ];
}

/** The conversation shown to the judge in place of an answer, MT-bench's "### User / ### Assistant" layout. */
export function transcript(question: Question, first: string, second: string): string {
  return `### User:\n${question.question}\n\n### Assistant:\n${first}\n\n### User:\n${question.turn2}\n\n### Assistant:\n${second}`;
}

/** Per model, the transcript of each two-turn question (null where either answer is missing), indexed by question id. */
export function transcripts(questions: readonly Question[], first: AnswerTable, second: AnswerTable): AnswerTable {
  const out: AnswerTable = new Map();
  for (const [model, answers] of first) {
    const row = answers.map((a1, id) => {
      const q = questions[id];
      const a2 = second.get(model)?.[id] ?? null;
      return q?.turn2 && a1 != null && a2 != null ? transcript(q, a1, a2) : null;
    });
    out.set(model, row);
  }
  return out;
}
