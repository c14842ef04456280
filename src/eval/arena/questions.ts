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
 * Reads one question per line. MT-bench's files (`turns: [...]`, `reference: [...]`) load too, first
 * turn only: multi-turn judging is not part of the arena. Blank lines are skipped; anything else wrong
 * is a UsageError naming file:line.
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
    questions.push({ id: questions.length, question, category: (item.category as string | undefined) ?? 'general', reference });
  }
  if (questions.length === 0) throw new UsageError(`${path}: no questions found`);
  return questions;
}
