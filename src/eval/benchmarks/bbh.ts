// BIG-Bench Hard: per-task `<task>.json` `{examples: [{input, target}]}` and `cot-prompts/<task>.txt` 3-shot CoT prompts.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../../errors.js';
import { extractAfterAnswerIs } from '../extract.js';
import { findFiles, readJson, readText, requireDir } from '../data.js';
import type { Benchmark, EvalItem, LoadedBenchmark } from '../types.js';

interface BbhData {
  input: string;
  target: string;
  /** The task description line of the CoT prompt file. */
  description: string;
  /** The task's worked "Q: ...\nA: Let's think step by step. ..." exemplars. */
  exemplars: string[];
}

const bd = (item: EvalItem): BbhData => item.data as unknown as BbhData;

/** Splits a published cot-prompts file: an optional canary block before "-----", the description, then "Q:" exemplars. */
export function parseCotPrompt(text: string): { description: string; exemplars: string[] } {
  // Everything up to the last line of dashes is the canary block (present in some copies, absent in others).
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const rule = lines.map((l) => l.trim()).lastIndexOf('-----');
  const body = lines.slice(rule + 1).join('\n');
  const parts = body.trim().split(/\n\n(?=Q: )/);
  const description = parts[0]!.startsWith('Q: ') ? '' : parts.shift()!.trim();
  return { description, exemplars: parts.map((p) => p.trim()) };
}

/** BBH targets are compared after trimming and dropping a closing full stop; "(A)" also accepts a bare "A". */
export function bbhMatch(extracted: string | null, target: string): boolean {
  if (extracted === null) return false;
  const clean = (s: string): string => s.trim().replace(/\.$/, '').trim();
  const e = clean(extracted);
  const t = clean(target);
  if (e === t) return true;
  const letter = /^\(([A-R])\)$/.exec(t);
  return letter !== null && (e === letter[1] || e.startsWith(`${t} `));
}

export const bbh: Benchmark = {
  name: 'bbh',
  folder: 'bbh',
  metric: 'exact_match',
  defaultFewShot: 3,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'bbh');
    const taskFiles = findFiles(root, /\.json$/).filter((f) => !f.includes('cot-prompts'));
    if (taskFiles.length === 0) throw new UsageError(`${root}: no <task>.json files (BBH's bbh/ folder)`);
    const files = [...taskFiles];
    const items: EvalItem[] = [];
    for (const file of taskFiles) {
      const name = basename(file, '.json');
      const doc = readJson(file) as { examples?: unknown };
      if (!doc || !Array.isArray(doc.examples)) throw new UsageError(`${file}:1: expected {"examples": [{"input", "target"}]}`);
      const promptFile = [join(root, 'cot-prompts', `${name}.txt`), join(root, '..', 'cot-prompts', `${name}.txt`)].find((p) => existsSync(p));
      const cot = promptFile ? parseCotPrompt(readText(promptFile)) : { description: '', exemplars: [] };
      if (promptFile) files.push(promptFile);
      doc.examples.forEach((ex: { input?: unknown; target?: unknown }, index: number) => {
        if (typeof ex?.input !== 'string' || ex.target === undefined) throw new UsageError(`${file}: example ${index}: needs "input" and "target"`);
        const data: BbhData = { input: ex.input, target: String(ex.target), description: cot.description, exemplars: cot.exemplars };
        items.push({ id: `${name}/${index}`, subset: name, source: `${file}#${index}`, data: { ...data } });
      });
    }
    const missing = items.some((i) => bd(i).exemplars.length === 0);
    const notes = missing ? ['some BBH tasks have no cot-prompts/<task>.txt: they run zero-shot chain-of-thought'] : [];
    return { items, shots: [], files, notes };
  },
  buildGenerate(item, _shots, ctx) {
    const d = bd(item);
    const shots = d.exemplars.slice(0, ctx.fewShot);
    const head = [d.description, ...shots].filter(Boolean).join('\n\n');
    const content = `${head ? `${head}\n\n` : ''}Q: ${d.input}\nA: Let's think step by step.`;
    return { messages: [{ role: 'user', content: `${content}\n\n(End with "So the answer is <answer>.")` }], maxTokens: 768, temperature: 0, match: `Q: ${d.input}\nA: Let's think step by step.` };
  },
  async scoreGenerate(item, texts) {
    const extracted = extractAfterAnswerIs(texts[0] ?? '');
    return { value: bbhMatch(extracted, bd(item).target) ? 1 : 0, extracted, gold: bd(item).target };
  },
  simAnswer(item) {
    const d = bd(item);
    const wrong = d.target === 'True' ? 'False' : d.target === 'False' ? 'True' : d.target === '(A)' ? '(B)' : `not ${d.target}`;
    const match = `Q: ${d.input}\nA: Let's think step by step.`;
    return [{ match, correct: `Let's think step by step. Checking each part in turn. So the answer is ${d.target}.`, incorrect: `Let's think step by step. Checking each part in turn. So the answer is ${wrong}.` }];
  },
};
