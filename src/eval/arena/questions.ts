// The question set: JSONL with `question` (or MT-bench's `turns`), optional `category` and `reference`.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { Question } from './types.js';

function firstString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

/**
 * Reads one question per line. MT-bench's files (`turns: [q1, q2]`, `reference: [r1, r2]`) load too: the
 * second turn is asked after the first, with the model's own first answer in the history, and judged on its
 * own. Blank lines are skipped; anything else wrong is a UsageError naming file:line.
 */
export function loadQuestions(path: string, limit: number | null = null): Question[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`questions ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const questions: Question[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && (limit === null || questions.length < limit); i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let item: Record<string, unknown>;
    try {
      item = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${path}:${i + 1}: not valid JSON; each line must be an object like {"question": "...", "category": "..."}`);
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new UsageError(`${path}:${i + 1}: each line must be a JSON object`);
    const question = firstString(item.question) ?? firstString(item.turns);
    if (question === null || question.trim() === '') throw new UsageError(`${path}:${i + 1}: missing "question" (a non-empty string)`);
    if (item.category !== undefined && typeof item.category !== 'string') throw new UsageError(`${path}:${i + 1}: "category" must be a string`);
    const reference = item.reference === undefined || item.reference === null ? null : firstString(item.reference);
    if (item.reference !== undefined && item.reference !== null && reference === null) throw new UsageError(`${path}:${i + 1}: "reference" must be a string`);
    const turns = Array.isArray(item.turns) ? item.turns : [];
    if (turns.length > 2) throw new UsageError(`${path}:${i + 1}: "turns" has ${turns.length} turns; llmperf asks and judges at most two (MT-bench's format)`);
    const turn2 = typeof turns[1] === 'string' && turns[1].trim() !== '' ? turns[1] : null;
    const reference2 = Array.isArray(item.reference) && typeof item.reference[1] === 'string' ? item.reference[1] : null;
    questions.push({ id: questions.length, question, category: (item.category as string | undefined) ?? 'general', reference, turn2, reference2 });
  }
  if (questions.length === 0) throw new UsageError(`${path}: no questions found`);
  return questions;
}
