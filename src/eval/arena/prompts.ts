// Judge prompt templates: the shipped ones in prompts/arena/, or the user's, with placeholders filled in one pass.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import type { PromptOverrides } from './config.js';

export type PromptKind = keyof PromptOverrides;

/** Placeholders each template must contain: the judge cannot judge what it is not shown. */
const REQUIRED: Record<PromptKind, string[]> = {
  pairwise: ['question', 'answer_a', 'answer_b'],
  pairwise_reference: ['question', 'answer_a', 'answer_b', 'reference'],
  single: ['question', 'answer'],
  single_reference: ['question', 'answer', 'reference'],
};

/** The folder of shipped prompts; src/eval/arena and dist/eval/arena are both three levels below the package root. */
export const SHIPPED_PROMPTS_DIR = fileURLToPath(new URL('../../../prompts/arena/', import.meta.url));

export type PromptSet = Record<PromptKind, string>;

/** The templates of one turn: `suffix` '' for the first turn, '_turn2' for MT-bench's second (pairwise_turn2.txt...). */
export function loadPrompts(overrides: PromptOverrides, suffix = ''): PromptSet {
  const set = {} as PromptSet;
  for (const kind of Object.keys(REQUIRED) as PromptKind[]) {
    const path = overrides[kind] ?? `${SHIPPED_PROMPTS_DIR}${kind}${suffix}.txt`;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`prompts.${kind}${suffix} ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const missing = REQUIRED[kind].filter((name) => !text.includes(`{${name}}`));
    if (missing.length) throw new UsageError(`prompts.${kind}${suffix} ${path}: missing placeholder ${missing.map((m) => `{${m}}`).join(', ')}`);
    set[kind] = text;
  }
  return set;
}

/**
 * Fills `{question}`, `{answer}`, `{answer_a}`, `{answer_b}`, `{reference}` in one pass, so an answer that
 * itself contains "{answer_b}" is shown verbatim instead of being substituted again.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(question|answer|answer_a|answer_b|reference)\}/g, (whole, name: string) => values[name] ?? whole);
}
